/**
 * TLS settings of the connection to a schema registry served over `https`: the CA that signed the
 * registry's certificate, and a client certificate and key for mutual TLS. Each PEM is given as
 * its text or a `Buffer`.
 */
export interface SchemaRegistryTlsOptions {
  /** PEM of the CA (or CAs) to trust instead of Node's default list. */
  ca?: string | Buffer;
  /** PEM of the client certificate (mutual TLS). */
  cert?: string | Buffer;
  /** PEM of the client certificate's private key (mutual TLS). */
  key?: string | Buffer;
  /** `false` accepts a certificate that does not verify (tests only). Default `true`. */
  rejectUnauthorized?: boolean;
}
