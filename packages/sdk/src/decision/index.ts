export * from './lifecycle.js';
export * from './types.js';
export * from './engine.js';
