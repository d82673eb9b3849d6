/**
 * Security: TLS / mTLS from PEM text or files, SASL, and the mapping of broker refusals to typed
 * errors. Split by concept under `security/`; this file is the entry point the rest of the core
 * imports.
 */
export * from './security/config.js';
export * from './security/pem.js';
export * from './security/resolve.js';
export * from './security/kafkajs.js';
export * from './security/redact.js';
export * from './security/authorization.js';
export * from './security/auth-status.js';
