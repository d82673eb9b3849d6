/** Admin client and ACL helpers (dp-kafka's NewAdmin, GetPrincipal, TopicAuth, TopicAuthList). */
export * from './admin-config.js';
export * from './create-admin.js';
export * from './principal.js';
export * from './topic-auth.js';
export * from './acl-apply.js';
