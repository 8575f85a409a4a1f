// Password hashing with argon2id. Tests pass lighter (still argon2id) parameters through deps.
import argon2 from "argon2";
import { AppError } from "../../platform/errors.ts";

export type PasswordHasher = {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
};

export type Argon2Params = { memoryCost: number; timeCost: number; parallelism: number };

/** OWASP's first recommended argon2id configuration is m=19 MiB, t=2; we use more memory. */
export const PRODUCTION_ARGON2: Argon2Params = { memoryCost: 65536, timeCost: 3, parallelism: 1 };

export function makePasswordHasher(params: Argon2Params = PRODUCTION_ARGON2): PasswordHasher {
  return {
    hash: (password) => argon2.hash(password, { type: argon2.argon2id, ...params }),
    verify: async (hash, password) => {
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false;
      }
    },
  };
}

export const PASSWORD_MIN = 12;

import { PASSWORD_MAX } from "../../contract/enums.ts";

export { PASSWORD_MAX };

export function checkPasswordPolicy(password: string, email: string): void {
  if (password.length < PASSWORD_MIN) {
    throw new AppError("validation_failed", `password must be at least ${PASSWORD_MIN} characters`);
  }
  if (password.length > PASSWORD_MAX) {
    throw new AppError("validation_failed", `password must be at most ${PASSWORD_MAX} characters`);
  }
  if (password.toLowerCase() === email.toLowerCase()) {
    throw new AppError("validation_failed", "password must not be the email address");
  }
}
