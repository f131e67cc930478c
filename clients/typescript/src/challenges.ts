// Exhaustive handling of sign-in challenges: a handler for every ChallengeName,
// so that a name added to openapi.yaml fails to compile until the app handles it.
import type { Challenge, ChallengeName, ChallengeOf } from "./types.js";

export type ChallengeHandlers<R> = { [N in ChallengeName]: (challenge: ChallengeOf<N>) => R };

export function onChallenge<R>(challenge: Challenge, handlers: ChallengeHandlers<R>): R {
  const handler = handlers[challenge.name] as (challenge: Challenge) => R;
  return handler(challenge);
}

/** For the `default:` of a switch over `challenge.name`: a compile error when a case is missing. */
export function unhandled(name: never): never {
  throw new Error(`a challenge this client does not know: ${String(name)}`);
}
