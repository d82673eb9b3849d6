import { CONNECTION_OPTION_NAMES, type ConnectionConfig } from '../config/connection.js';

/** The connection fields of a larger options object (the rest is left out), for building the module's clients. */
export function pickConnection(options: ConnectionConfig): ConnectionConfig {
  const picked: Record<string, unknown> = {};
  for (const name of CONNECTION_OPTION_NAMES) {
    const value = (options as unknown as Record<string, unknown>)[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked as unknown as ConnectionConfig;
}
