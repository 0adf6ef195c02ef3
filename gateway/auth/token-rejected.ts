import { errors } from 'jose';

/** Why a token was refused. Stable: the pipeline maps these to 401s, logs and metrics. */
export type RejectionReason =
  | 'malformed'
  | 'too-large'
  | 'bad-signature'
  | 'unknown-key'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'missing-claim'
  | 'alg-not-allowed';

/** The token is not acceptable. The message is for logs; clients should only ever see a generic 401. */
export class TokenRejected extends Error {
  override readonly name = 'TokenRejected';
  constructor(
    readonly reason: RejectionReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The token could not be checked because a trusted issuer's key set could not be fetched. Not a
 * TokenRejected: the token may be fine, so the caller should answer 503, not 401.
 */
export class IssuerKeysUnavailable extends Error {
  override readonly name = 'IssuerKeysUnavailable';
  constructor(
    readonly issuer: string,
    options?: { cause?: unknown },
  ) {
    super(`the key set of trusted issuer ${issuer} could not be fetched`, options);
  }
}

/** jose's errors as rejections. Anything that is not about the token itself comes back unchanged. */
export function toRejection(err: unknown): unknown {
  if (err instanceof TokenRejected || !(err instanceof errors.JOSEError)) return err;
  const reject = (reason: RejectionReason) => new TokenRejected(reason, err.message, { cause: err });
  switch (err.code) {
    case errors.JOSEAlgNotAllowed.code:
      return reject('alg-not-allowed');
    case errors.JWSSignatureVerificationFailed.code:
      return reject('bad-signature');
    case errors.JWTExpired.code:
      return reject('expired');
    case errors.JWKSNoMatchingKey.code:
    case errors.JWKSMultipleMatchingKeys.code:
      return reject('unknown-key');
    case errors.JWSInvalid.code:
    case errors.JWTInvalid.code:
    case errors.JOSENotSupported.code:
      return reject('malformed');
    case errors.JWTClaimValidationFailed.code: {
      const { claim, reason } = err as errors.JWTClaimValidationFailed;
      if (reason === 'missing') return reject('missing-claim');
      if (reason === 'invalid') return reject('malformed');
      if (claim === 'iss') return reject('wrong-issuer');
      if (claim === 'aud') return reject('wrong-audience');
      if (claim === 'nbf' || claim === 'iat') return reject('not-yet-valid');
      return reject('malformed');
    }
    default:
      return err;
  }
}
