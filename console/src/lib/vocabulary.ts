// The server's vocabulary, imported from its pure core so the console's choices never drift.
export {
  AUTHORISATION_STATUSES,
  CAPABILITIES,
  ENVIRONMENTS,
  IDENTITY_FUNCTIONS,
  IDENTITY_KINDS,
  IDENTITY_STATUSES,
  MEMBER_STATES,
  MICA_SERVICES,
} from '../../../src/core/vocabulary';
