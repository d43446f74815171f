/**
 * Sign-In-With-Solana messages (the SIWS / EIP-4361 text layout that Solana wallets display).
 * Pure: no I/O.
 */

/** The fields of a sign-in message. Times are ISO 8601 UTC. */
export interface SignInFields {
  domain: string;
  address: string;
  statement: string;
  uri: string;
  version: "1";
  chainId: string;
  nonce: string;
  issuedAt: string;
  expirationTime: string;
}

/** The statement shown to the user in their wallet. */
export const SIGN_IN_STATEMENT =
  "Sign in to Parapet. This request will not trigger a blockchain transaction or cost any fees.";

/**
 * Renders the message a wallet signs.
 * @example buildSignInMessage({ domain: "api.parapet.dev", address, statement, uri, version: "1", chainId: "mainnet", nonce, issuedAt, expirationTime })
 */
export function buildSignInMessage(f: SignInFields): string {
  return [
    `${f.domain} wants you to sign in with your Solana account:`,
    f.address,
    "",
    f.statement,
    "",
    `URI: ${f.uri}`,
    `Version: ${f.version}`,
    `Chain ID: ${f.chainId}`,
    `Nonce: ${f.nonce}`,
    `Issued At: ${f.issuedAt}`,
    `Expiration Time: ${f.expirationTime}`,
  ].join("\n");
}

const NONCE_LINE = /^Nonce: ([A-Za-z0-9]{8,64})$/m;

/** The nonce a message names, or null when it has no well-formed `Nonce:` line. */
export function readNonce(message: string): string | null {
  return NONCE_LINE.exec(message)?.[1] ?? null;
}
