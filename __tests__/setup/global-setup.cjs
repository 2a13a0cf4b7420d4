module.exports = require('./temp-root.cjs').createRunRoot;
