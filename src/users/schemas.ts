// What the user and API-token routes answer (src/users/service.ts: User, TokenInfo), and what they
// take beyond the service's NewUser and NewToken.
import { Type } from '@sinclair/typebox';
import { Nullable } from '../http/responses.js';

export const UserOut = Type.Object({
  id: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  status: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export const TokenOut = Type.Object({
  id: Type.String(),
  user_id: Type.String(),
  label: Nullable(Type.String()),
  created_at: Type.String(),
  expires_at: Nullable(Type.String()),
  revoked_at: Nullable(Type.String()),
});
/** A new token: its value is in this answer only. */
export const CreatedToken = Type.Composite([TokenOut, Type.Object({ token: Type.String() })]);
export const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
export const RevokeBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });

export const Me = Type.Object({
  user: Type.String(),
  name: Type.Optional(Type.String()),
  roles: Type.Array(Type.String()),
  permissions: Type.Array(Type.String(), { description: "the union of the roles' permissions, in the order core/roles.ts lists them" }),
});
