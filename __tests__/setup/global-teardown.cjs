module.exports = require('./temp-root.cjs').removeRunRoot;
