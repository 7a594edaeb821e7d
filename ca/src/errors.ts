/**
 * Typed errors of the CA tooling. Each one names the problem and, where there is one, the fix, so
 * an operator reading the CLI output or a service reading `err.code` knows what to do.
 */

/** Base class; `code` is stable and safe to switch on. */
export class CaError extends Error {
  override readonly name: string = 'CaError';
  constructor(
    readonly code: CaErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type CaErrorCode =
  | 'CA_NOT_RUNNING'
  | 'CA_START_FAILED'
  | 'WRONG_SECRET'
  | 'REGISTRATION_MISMATCH'
  | 'CERTIFICATE_EXPIRED'
  | 'CERTIFICATE_REVOKED'
  | 'IDENTITY_NOT_FOUND'
  | 'BINARY_MISSING'
  | 'CA_REQUEST_FAILED'
  | 'NOT_SET_UP';

/** A CA server does not answer on its port (not started, or crashed). */
export class CaNotRunningError extends CaError {
  override readonly name = 'CaNotRunningError';
  constructor(
    readonly ca: string,
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(
      'CA_NOT_RUNNING',
      `${ca} is not running (nothing answers at ${url}); start it with \`fabpay-ca start\``,
      options,
    );
  }
}

/** A CA server process exited or did not become ready in time. */
export class CaStartError extends CaError {
  override readonly name = 'CaStartError';
  constructor(message: string) {
    super('CA_START_FAILED', message);
  }
}

/** Enrollment refused: the secret is wrong, the ID unknown, or its enrollments are used up. */
export class WrongSecretError extends CaError {
  override readonly name = 'WrongSecretError';
  constructor(
    readonly enrollmentId: string,
    readonly ca: string,
    options?: { cause?: unknown },
  ) {
    super(
      'WRONG_SECRET',
      `${ca} refused to enroll "${enrollmentId}": wrong secret (or unknown or revoked identity, or no enrollments left)`,
      options,
    );
  }
}

/** The identity is already registered, but with a different type or attributes. */
export class RegistrationMismatchError extends CaError {
  override readonly name = 'RegistrationMismatchError';
  constructor(
    readonly enrollmentId: string,
    readonly differences: string[],
  ) {
    super(
      'REGISTRATION_MISMATCH',
      `"${enrollmentId}" is already registered with different settings: ${differences.join('; ')}`,
    );
  }
}

/** The certificate used to authenticate has expired; a fresh enroll with the secret is needed. */
export class CertificateExpiredError extends CaError {
  override readonly name = 'CertificateExpiredError';
  constructor(
    readonly subject: string,
    readonly notAfter: Date,
  ) {
    super(
      'CERTIFICATE_EXPIRED',
      `the certificate of "${subject}" expired on ${notAfter.toISOString()}; enroll again with the enrollment secret`,
    );
  }
}

/** The certificate (or the whole identity) has been revoked. */
export class CertificateRevokedError extends CaError {
  override readonly name = 'CertificateRevokedError';
  constructor(
    readonly subject: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('CERTIFICATE_REVOKED', `the certificate of "${subject}" has been revoked (${detail})`, options);
  }
}

/** An identity (wallet label, MSP or CA registration) does not exist. */
export class IdentityNotFoundError extends CaError {
  override readonly name = 'IdentityNotFoundError';
  constructor(message: string) {
    super('IDENTITY_NOT_FOUND', message);
  }
}

/** A Fabric CA binary is not installed where the path rules say it should be. */
export class BinaryMissingError extends CaError {
  override readonly name = 'BinaryMissingError';
  constructor(readonly path: string) {
    super(
      'BINARY_MISSING',
      `${path} not found; install the Fabric binaries (npm run fabric:install) or set FABPAY_BIN_DIR`,
    );
  }
}

/** The organisations have not been set up yet (no CA home or MSP on disk). */
export class NotSetUpError extends CaError {
  override readonly name = 'NotSetUpError';
  constructor(what: string) {
    super('NOT_SET_UP', `${what} does not exist yet; run \`fabpay-ca setup\` first`);
  }
}

/** Any other refusal from a CA, with the server's own message. */
export class CaRequestError extends CaError {
  override readonly name = 'CaRequestError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('CA_REQUEST_FAILED', message, options);
  }
}
