import { readFileSync } from 'node:fs';
import { KafkaConfigError } from '../errors.js';
import { PEM_PREFIX } from './config.js';

/** The outcome of loading one PEM field: its text, or why it could not be loaded. */
export type PemLoadResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problem: string };

/** One `-----BEGIN <label>-----` … `-----END <label>-----` block of a PEM text. */
export interface PemBlock {
  /** The label, e.g. `CERTIFICATE` or `PRIVATE KEY`. */
  readonly label: string;
  /** The whole block, armour lines included. */
  readonly text: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
/** Longest value still echoed in an error as a path; longer ones may be mangled secrets. */
const MAX_SHOWN_PATH = 512;

/** Whether a PEM field holds PEM text (rather than a file path). */
export function isInlinePem(value: string): boolean {
  return value.trimStart().startsWith(PEM_PREFIX);
}

/**
 * How to name a PEM field's value in a message without leaking it: `inline PEM`, the file path,
 * or a neutral phrase when the value might be mangled key material.
 */
export function describePemSource(value: string): string {
  if (isInlinePem(value)) return 'inline PEM';
  return looksLikePath(value) ? `file "${value}"` : 'the value (not shown)';
}

/** The PEM blocks of a text, in order. */
export function pemBlocks(text: string): PemBlock[] {
  return Array.from(text.matchAll(PEM_BLOCK), (m) => ({ label: m[1] ?? '', text: m[0] }));
}

/**
 * Loads a PEM field: inline text (with literal `\n` sequences turned into newlines, as dp-kafka
 * does for values read from environment variables) or the content of the named file. Never throws;
 * a problem never quotes the PEM content.
 */
export function loadPem(value: string): PemLoadResult {
  if (isInlinePem(value)) {
    const text = value.trim().replaceAll('\\n', '\n');
    return pemBlocks(text).length > 0
      ? { ok: true, text }
      : { ok: false, problem: 'is inline PEM text without a complete -----BEGIN/-----END block' };
  }
  if (!looksLikePath(value)) {
    return { ok: false, problem: `is neither PEM text (starting with "${PEM_PREFIX}") nor a file path` };
  }
  let text: string;
  try {
    text = readFileSync(value, 'utf8');
  } catch (error) {
    return { ok: false, problem: `cannot be read from file "${value}": ${fileErrorReason(error)}` };
  }
  return pemBlocks(text).length > 0 ? { ok: true, text } : { ok: false, problem: `names file "${value}", which does not contain PEM text` };
}

/**
 * Reads a PEM value: the text itself, or the content of the file it names.
 *
 * @param value - PEM text or a file path
 * @param field - config field named in the error
 * @throws KafkaConfigError naming `field` when the value cannot be read or is not PEM
 */
export function readPem(value: string, field = 'pem'): string {
  const result = loadPem(value);
  if (!result.ok) throw new KafkaConfigError('security', [{ field, problem: result.problem }]);
  return result.text;
}

function looksLikePath(value: string): boolean {
  return value.length <= MAX_SHOWN_PATH && !/[\r\n]/.test(value) && !value.includes('-----');
}

function fileErrorReason(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return code ?? 'unreadable';
  }
}
