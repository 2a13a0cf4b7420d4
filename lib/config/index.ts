/** The configuration: its schema, its messages, and the file it is read from. */
export * from './schema';
export * from './errors';
export * from './load';
