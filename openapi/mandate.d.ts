// Generated from openapi/mandate.json by `npm run openapi` (openapi-typescript): do not edit.
// `npm run lint:openapi` fails when it differs from what the server now produces.

export interface paths {
    "/v1/entities": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List entities */
        get: operations["listEntities"];
        put?: never;
        /** Create a entity */
        post: operations["createEntity"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/entities/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a entity */
        get: operations["getEntity"];
        /** Replace a entity (send If-Match with its ETag) */
        put: operations["replaceEntity"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/people": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List people */
        get: operations["listPeople"];
        put?: never;
        /** Create a person */
        post: operations["createPerson"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/people/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a person */
        get: operations["getPerson"];
        /** Replace a person (send If-Match with its ETag) */
        put: operations["replacePerson"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/vendors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List vendors */
        get: operations["listVendors"];
        put?: never;
        /** Create a vendor */
        post: operations["createVendor"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/vendors/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a vendor */
        get: operations["getVendor"];
        /** Replace a vendor (send If-Match with its ETag) */
        put: operations["replaceVendor"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/authorisations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List authorisations */
        get: operations["listAuthorisations"];
        put?: never;
        /** Create a authorisation */
        post: operations["createAuthorisation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/authorisations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a authorisation */
        get: operations["getAuthorisation"];
        /** Replace an authorisation (send If-Match); its status, dates and conditions change only by a transition */
        put: operations["replaceAuthorisation"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/products": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List products */
        get: operations["listProducts"];
        put?: never;
        /** Create a product */
        post: operations["createProduct"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/products/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a product */
        get: operations["getProduct"];
        /** Replace a product (send If-Match with its ETag) */
        put: operations["replaceProduct"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identities": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List identities */
        get: operations["listIdentities"];
        put?: never;
        /** Create an identity (202: it would have power, and waits for approval) */
        post: operations["createIdentity"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identities/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a identity */
        get: operations["getIdentity"];
        /** Replace an identity (send If-Match with its ETag); 202: the change adds power and waits for approval */
        put: operations["replaceIdentity"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inventory/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Identities counted by function × capability, status, kind and environment; totals of the other records */
        get: operations["getInventorySummary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identities/{id}/power": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An identity’s lawful power now: per scope, each action entitled or lent, whether it is lawful, and the rule that decided */
        get: operations["getIdentityPower"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identities/{id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change an identity’s status (suspend, reactivate, revoke, decommission) */
        post: operations["changeIdentityStatus"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The event log, oldest first (or newest first); filter by subject type, subject id and action */
        get: operations["listEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/{seq}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One event by its sequence number (the ledger explorer, and proofs, name events by seq) */
        get: operations["getEvent"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/entities/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The history of one entity */
        get: operations["listEntityEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/people/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The history of one person */
        get: operations["listPersonEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/vendors/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The history of one vendor */
        get: operations["listVendorEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/authorisations/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The history of one authorisation */
        get: operations["listAuthorisationEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/products/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The history of one product */
        get: operations["listProductEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identities/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The history of one identity */
        get: operations["listIdentityEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who am I, and what my roles let me do */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List users */
        get: operations["listUsers"];
        put?: never;
        /** Create a user with roles */
        post: operations["createUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List a user’s tokens (never their values) */
        get: operations["listUserTokens"];
        put?: never;
        /** Create your own API token (signed in; it expires, 90 days by default); the token is in this answer only */
        post: operations["createUserToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tokens/{id}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke an API token */
        post: operations["revokeApiToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-clients": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** API clients */
        get: operations["listApiClients"];
        put?: never;
        /** Create an API client for automation (roles that never approve); its token is in this answer only */
        post: operations["createApiClient"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-clients/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One API client */
        get: operations["getApiClient"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-clients/{id}/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Another token for an API client (to rotate it); the token is in this answer only */
        post: operations["createApiClientToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-clients/{id}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke an API client and every token of its */
        post: operations["revokeApiClient"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/signin": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Sign in with the identity provider: a redirect to it (or, asked for JSON, its URL)
         * @description step_up=true signs the current session in again, with MFA, for acts of power. The CLI signs in with a loopback redirect where the provider has no device grant: return_to http://127.0.0.1:PORT/… and code_challenge (S256 of a verifier it keeps); the browser is sent back there with a one-time code, which the CLI redeems with the verifier at POST /v1/signin/loopback/redeem. A CLI stepping its session up asks with its Bearer session and Accept: application/json.
         */
        get: operations["signIn"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/signin/callback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where the identity provider sends the browser back: starts the session (cookies) and redirects to the console */
        get: operations["completeSignIn"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/signin/device": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The CLI starts a sign-in with the device authorization grant (RFC 8628): show the person the code and the URL, then poll
         * @description step_up=true (with the Bearer session) signs that session in again, with MFA: the poll completes without a new secret. 503 SIGNIN_UNAVAILABLE with field device_authorization_endpoint: the provider has no device grant, sign in with a loopback redirect.
         */
        post: operations["startDeviceSignIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/signin/loopback/redeem": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The CLI redeems the one-time code its loopback listener got, with its code verifier: the session's secret, once */
        post: operations["redeemLoopbackSignIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/signin/device/poll": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The CLI asks whether the person approved the device; on complete, its session token (once) */
        post: operations["pollDeviceSignIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/signout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign out: ends this session here at once; answers the provider's logout URL where it supports RP-initiated logout */
        post: operations["signOut"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who am I, signed in: the user, roles, permissions and the session's facts (amr, acr, when I signed in, when it ends) */
        get: operations["getSession"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** People's sign-in sessions, newest first (never their secrets) */
        get: operations["listSessions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** End a person's session at once (an administrator) */
        delete: operations["endSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Import a firm manifest (JSON or YAML): upsert by id, all or nothing; identity records that would gain power are held for approval */
        post: operations["importManifest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/authorisations/{id}/impact": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Preview what moving an authorisation to a status would do (nothing is written) */
        get: operations["previewImpact"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/authorisations/{id}/transitions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Propose a transition (a different approver decides it) */
        post: operations["proposeTransition"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/products/{id}/impact": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Preview what moving a product's conformity or market status would do (CRA; nothing is written) */
        get: operations["previewProductImpact"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/products/{id}/transitions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Propose a change of a product's status (CRA); a different approver decides it through /v1/transitions/{id}/approve */
        post: operations["proposeProductTransition"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/transitions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Transitions, newest first */
        get: operations["listTransitions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/transitions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One transition */
        get: operations["getTransition"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/transitions/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve a proposed transition (not your own) */
        post: operations["approveTransition"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/transitions/{id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reject a proposed transition (not your own) */
        post: operations["rejectTransition"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/transitions/{id}/review": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Close the mandatory review of an emergency transition */
        post: operations["reviewTransition"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/lifecycle-rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The lifecycle rules in force */
        get: operations["getLifecycleRules"];
        /** Ask to publish a new version of the lifecycle rules: checked now, published once approved (a change request) */
        put: operations["requestLifecycleRulesChange"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/lifecycle-rules/cra": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The product lifecycle rules in force (CRA); PUT /v1/lifecycle-rules with a regime: cra document changes them */
        get: operations["getProductLifecycleRules"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/lifecycle-rules/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run rule tests against given rules, or the rules in force */
        post: operations["testLifecycleRules"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cra/reports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** CRA Art. 14 reports with their deadlines, newest awareness first */
        get: operations["listCraReports"];
        put?: never;
        /** Record an actively exploited vulnerability or a severe incident of a product (CRA Art. 14): its clock starts */
        post: operations["openCraReport"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cra/reports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One CRA Art. 14 report with its deadlines as they stand now */
        get: operations["getCraReport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cra/reports/{id}/milestones": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record an early warning, a notification, a corrective measure or the final report */
        post: operations["recordCraMilestone"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cra/reports/{id}/close": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Close a CRA Art. 14 report; deadlines not missed by then are no longer required */
        post: operations["closeCraReport"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cra/reports/{id}/blast-radius": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The identities that can touch the report’s product (its product scopes), with counts */
        get: operations["getCraBlastRadius"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cra/reports/{id}/revoke-tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke every token of every identity that can touch the report’s product, in one step */
        post: operations["revokeCraProductTokens"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/outbox": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Connector deliveries; status=failed lists the open problems */
        get: operations["listOutbox"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/outbox/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Retry a failed delivery */
        post: operations["retryOutboxDelivery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/asof/identities": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who could do an action, for an entity / service / member state, at a past time: rebuilt from the ledger, with proofs */
        get: operations["listIdentitiesAsOf"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ledger/checkpoint": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The latest signed checkpoint (C2SP tlog-checkpoint); ?fresh=true signs one of the log as it is now */
        get: operations["getLedgerCheckpoint"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ledger/checkpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign a checkpoint of the log as it is now */
        post: operations["createLedgerCheckpoint"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ledger/key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The log's verifier key */
        get: operations["getLedgerKey"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ledger/rotations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The ledger key's rotations (up to a tree size), each provable to a verifier that trusts the key before it */
        get: operations["listLedgerKeyRotations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ledger/proof/inclusion": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Inclusion proof of an event (by seq) in the tree of a size (default: now) */
        get: operations["getInclusionProof"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ledger/proof/consistency": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Consistency proof between two tree sizes */
        get: operations["getConsistencyProof"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ledger/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The whole log as JSON Lines (docs/ledger.md) */
        get: operations["exportLedger"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every signing key (token, SET, ledger): kid, purpose, when made and retired, public key; never private material */
        get: operations["listKeys"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/{purpose}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate a signing key now, recorded in the ledger (the KEK: mandate keys rotate kek, against the store) */
        post: operations["rotateKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange a workload proof for a short-lived Mandate access token (RFC 8693 token exchange, RFC 7523 JWT bearer, client_credentials with a legacy secret or private_key_jwt)
         * @description Form-encoded (RFC 6749); unknown parameters are ignored. Errors are RFC 6749 §5.2 JSON (`error`, `error_description`), not problem details.
         */
        post: operations["exchangeToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/introspect": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** RFC 7662 token introspection: an API token with tokens:introspect, or an identity authenticated as an OAuth client (client_secret_basic, client_secret_post, private_key_jwt), which sees only tokens whose aud names it */
        post: operations["introspectToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** RFC 7009 token revocation: whoever holds a token may revoke it; client credentials, if given, must verify; 200 for any token, valid or not */
        post: operations["revokeToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/oauth-authorization-server": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** RFC 8414 authorization server metadata */
        get: operations["getAuthorizationServerMetadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/issuers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Trusted OIDC issuers */
        get: operations["listIssuers"];
        put?: never;
        /** Trust an OIDC issuer’s workload tokens (Kubernetes, CI, cloud workload identity) */
        post: operations["addIssuer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/issuers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Stop trusting an issuer; its workload bindings are revoked with their tokens */
        delete: operations["removeIssuer"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identities/{id}/credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An identity’s credentials (never a secret) */
        get: operations["listCredentials"];
        put?: never;
        /** Register how an identity proves itself: an OIDC workload subject, a public key, or (legacy only) a static secret answered once */
        post: operations["addCredential"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identities/{id}/credentials/{credential}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke a credential and every token it produced */
        post: operations["revokeCredential"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identities/{id}/revoke-tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke every token an identity holds (its token generation moves on) */
        post: operations["revokeIdentityTokens"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/policies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The Cedar policy set in force */
        get: operations["getPolicies"];
        put?: never;
        /** Ask to publish a new version of the Cedar policies: validated now, published once approved (a change request) */
        post: operations["requestPolicyChange"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/policies/validate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Validate Cedar policies against Mandate’s schema without publishing them */
        post: operations["validatePolicies"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/policies/schema": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The Cedar schema policies are validated against (JSON and text) */
        get: operations["getPolicySchema"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/approvals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Approval requests, newest first; mine=pending: the ones you can decide now (your inbox) */
        get: operations["listApprovals"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/approvals/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One approval request with its votes */
        get: operations["getApproval"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/approvals/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve a request (never your own, nor one about an identity you own) */
        post: operations["approveRequest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/approvals/{id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reject a request (never your own, nor one about an identity you own) */
        post: operations["rejectRequest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/approval-rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The approval rules in force (the first that matches a request decides) */
        get: operations["listApprovalRules"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/changes/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A policy or lifecycle-rule change request */
        get: operations["getChangeRequest"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/access-requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Access requests, newest first */
        get: operations["listAccessRequests"];
        put?: never;
        /** Ask for scoped, time-bound access for an identity (an approval request) */
        post: operations["requestAccess"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/access-requests/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One access request */
        get: operations["getAccessRequest"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/access-requests/{id}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End an active grant now, or withdraw a pending request */
        post: operations["revokeAccessRequest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identities/{id}/grants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What an identity holds beyond its entitlement right now: grants, exceptions, break-glass activations */
        get: operations["listIdentityGrants"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/exceptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The exceptions register, newest first */
        get: operations["listExceptions"];
        put?: never;
        /** Register a documented policy exception (an approval request) */
        post: operations["createException"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/exceptions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One exception */
        get: operations["getException"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/exceptions/{id}/close": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Close an exception (ends it if it still applies) */
        post: operations["closeException"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/break-glass/{id}/unseal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ask to unseal a break-glass identity, or take the emergency path */
        post: operations["unsealBreakGlass"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/break-glass/activations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Break-glass activations, newest first */
        get: operations["listBreakGlassActivations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/break-glass/activations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One activation */
        get: operations["getBreakGlassActivation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/break-glass/activations/{id}/seal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Seal again before the window ends */
        post: operations["sealBreakGlassActivation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/break-glass/activations/{id}/review": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Close the post-incident review (an approver, compliance officer or admin other than who unsealed) */
        post: operations["reviewBreakGlassActivation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/controls": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The control catalogue (controls/catalogue.yaml) */
        get: operations["getControlCatalogue"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/checks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The automated checks and the controls each evidences */
        get: operations["listChecks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/checks/run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run every check now (they also run on a schedule and after changes) */
        post: operations["runChecks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/checks/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Check runs, newest first */
        get: operations["listCheckRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/findings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Findings, most severe first, then oldest (default: open and acknowledged), a page at a time: pass next_cursor as cursor for the next page. A read: it never runs the checks (POST /v1/checks/run does) */
        get: operations["listFindings"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/findings/due": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Open findings falling due at or after `from` (default: now), soonest first: the next deadlines, without reading every finding (the console overview) */
        get: operations["listFindingsDue"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/findings/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** How many findings each check, severity or owner has (with how many of each severity), under the same filters as GET /v1/findings: the groups with the most severe findings first */
        get: operations["groupFindings"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/findings/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One finding with its lifecycle */
        get: operations["getFinding"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/findings/{id}/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Acknowledge an open finding (it stays until its cause is gone) */
        post: operations["acknowledgeFinding"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/findings-lag": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Remediation lag: how long findings stayed open, by severity */
        get: operations["getFindingsLag"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/readiness": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness per entity × member state × service: score, blocking findings, owners to chase, deadlines (as_of: from the run at or before that time) */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/readiness/trend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Mean readiness of one entity and member state at each run */
        get: operations["getReadinessTrend"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/leaks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Leaked secrets reported by scanners */
        get: operations["listLeaks"];
        put?: never;
        /** Ingest a scanner report (gitleaks JSON or trufflehog JSON lines): fingerprints only, never the secret */
        post: operations["reportLeaks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/leaks/{id}/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark a leaked secret revoked and rotated */
        post: operations["resolveLeak"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/evidence-packs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Build a signed evidence pack (.tar.gz: OSCAL, HTML report, cited ledger events with proofs, signed manifest)
         * @description For an entity in a member state (entity and jurisdiction), or for one product under the Cyber Resilience Act (product alone): who could sign and publish for it, grants and their expiry, revocations, exceptions and the Article 14 timeline.
         */
        post: operations["createEvidencePack"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/access-reviews": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Access review campaigns, newest first, with their counts */
        get: operations["listAccessReviews"];
        put?: never;
        /** Open an access review campaign: one item per identity in scope, for its owner to decide */
        post: operations["createAccessReview"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/access-reviews/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One campaign with its counts (total, decided, by decision, flagged) */
        get: operations["getAccessReview"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/access-reviews/{id}/items": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A campaign's items in identity order; mine=true: those you decide */
        get: operations["listAccessReviewItems"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/access-reviews/{id}/items/{identity}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Decide an item: keep, narrow (to a strict subset) or revoke the identity */
        post: operations["decideAccessReviewItem"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/discovery/sources": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Discovery sources with their last run (secrets shown as ***) */
        get: operations["listDiscoverySources"];
        put?: never;
        /** Add a discovery source; its secrets are sealed under the server key and never shown again */
        post: operations["createDiscoverySource"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/discovery/sources/{id}/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Read the source now and reconcile it with the inventory; answers when the run ends (status failed, with its redacted cause, when the source cannot be read) */
        post: operations["runDiscoverySource"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/discovery/runs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One discovery run */
        get: operations["getDiscoveryRun"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/discovery/accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Discovered accounts in key order, by source, state and the identity they were matched to */
        get: operations["listDiscoveredAccounts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/discovery/accounts/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One discovered account */
        get: operations["getDiscoveredAccount"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/discovery/accounts/{key}/dismiss": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Dismiss a discovered account, with the reason (recorded) */
        post: operations["dismissDiscoveredAccount"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/discovery/accounts/{key}/adopt": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Adopt an unmanaged account into the inventory (201 created; 202: it has power and waits for approval, the change request is answered) */
        post: operations["adoptDiscoveredAccount"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/decisions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Decide one action: built-in rules, then the firm’s Cedar policies; execute decisions are recorded */
        post: operations["decide"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/decisions/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Decide up to 1,000 actions in one request */
        post: operations["decideBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/decisions/evidence": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record decisions an enforcement point took locally */
        post: operations["reportDecisions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/enforcement/snapshot": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What an enforcement point needs to decide locally: policies, lifecycle rules, authorisation states, revocations */
        get: operations["getEnforcementSnapshot"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/enforcement/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server-Sent Events: `snapshot`, then `delta` as changes commit, and `heartbeat` every second */
        get: operations["streamEnforcement"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/ssf-configuration": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** OpenID SSF 1.0 transmitter configuration metadata */
        get: operations["getSsfConfiguration"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ssf/streams": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A stream's configuration, or every stream of the receiver without stream_id (SSF §8.1.1.2) */
        get: operations["getSsfStreams"];
        /** Replace a stream's configuration: a receiver-supplied member left out is removed (SSF §8.1.1.4) */
        put: operations["replaceSsfStream"];
        /** Create an event stream (SSF §8.1.1.1): push with the receiver URL and Authorization header, or poll */
        post: operations["createSsfStream"];
        /** Delete a stream; its undelivered SETs are dropped (SSF §8.1.1.5) */
        delete: operations["deleteSsfStream"];
        options?: never;
        head?: never;
        /** Update a stream's configuration: the members sent change (SSF §8.1.1.3) */
        patch: operations["updateSsfStream"];
        trace?: never;
    };
    "/v1/ssf/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A stream's status (SSF §8.1.2.1) */
        get: operations["getSsfStreamStatus"];
        put?: never;
        /** Change a stream's status: paused holds its SETs, enabled releases them, disabled drops them (SSF §8.1.2.2) */
        post: operations["updateSsfStreamStatus"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ssf/subjects/add": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add a subject to a stream: the identity's events go to it, on a NONE stream too (SSF §8.1.3.2) */
        post: operations["addSsfSubject"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ssf/subjects/remove": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Remove a subject from a stream: the identity's events no longer go to it (SSF §8.1.3.3) */
        post: operations["removeSsfSubject"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ssf/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ask for a verification event on a stream, with an optional state echoed in it (SSF §8.1.4.2) */
        post: operations["verifySsfStream"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ssf/streams/{id}/poll": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Poll a stream for SETs, acknowledging (and reporting errors of) those received before (RFC 8936 §2.4) */
        post: operations["pollSsfStream"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listEntities: {
        parameters: {
            query?: {
                /** @description next_cursor from the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            /** @description ISO 17442 Legal Entity Identifier */
                            lei: string;
                            /**
                             * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                             * @enum {string}
                             */
                            home: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                            /** @description increases with every change; the ETag */
                            readonly version: number;
                            readonly created_at: string;
                            readonly updated_at: string;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    createEntity: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id: string;
                    name: string;
                    /** @description ISO 17442 Legal Entity Identifier */
                    lei: string;
                    /**
                     * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                     * @enum {string}
                     */
                    home: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                    /** @description increases with every change; the ETag */
                    readonly version?: number;
                    readonly created_at?: string;
                    readonly updated_at?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @description ISO 17442 Legal Entity Identifier */
                        lei: string;
                        /**
                         * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                         * @enum {string}
                         */
                        home: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                        /** @description increases with every change; the ETag */
                        readonly version: number;
                        readonly created_at: string;
                        readonly updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getEntity: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @description ISO 17442 Legal Entity Identifier */
                        lei: string;
                        /**
                         * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                         * @enum {string}
                         */
                        home: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                        /** @description increases with every change; the ETag */
                        readonly version: number;
                        readonly created_at: string;
                        readonly updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    replaceEntity: {
        parameters: {
            query?: never;
            header?: {
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id: string;
                    name: string;
                    /** @description ISO 17442 Legal Entity Identifier */
                    lei: string;
                    /**
                     * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                     * @enum {string}
                     */
                    home: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                    /** @description increases with every change; the ETag */
                    readonly version?: number;
                    readonly created_at?: string;
                    readonly updated_at?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @description ISO 17442 Legal Entity Identifier */
                        lei: string;
                        /**
                         * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                         * @enum {string}
                         */
                        home: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                        /** @description increases with every change; the ETag */
                        readonly version: number;
                        readonly created_at: string;
                        readonly updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listPeople: {
        parameters: {
            query?: {
                /** @description next_cursor from the previous page */
                cursor?: string;
                limit?: number;
                status?: "active" | "departed";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** @description an e-mail address */
                            id: string;
                            name: string;
                            /** @enum {string} */
                            status: "active" | "departed";
                            /** @description increases with every change; the ETag */
                            readonly version: number;
                            readonly created_at: string;
                            readonly updated_at: string;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    createPerson: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description an e-mail address */
                    id: string;
                    name: string;
                    /** @enum {string} */
                    status: "active" | "departed";
                    /** @description increases with every change; the ETag */
                    readonly version?: number;
                    readonly created_at?: string;
                    readonly updated_at?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description an e-mail address */
                        id: string;
                        name: string;
                        /** @enum {string} */
                        status: "active" | "departed";
                        /** @description increases with every change; the ETag */
                        readonly version: number;
                        readonly created_at: string;
                        readonly updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getPerson: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description an e-mail address */
                        id: string;
                        name: string;
                        /** @enum {string} */
                        status: "active" | "departed";
                        /** @description increases with every change; the ETag */
                        readonly version: number;
                        readonly created_at: string;
                        readonly updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    replacePerson: {
        parameters: {
            query?: never;
            header?: {
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description an e-mail address */
                    id: string;
                    name: string;
                    /** @enum {string} */
                    status: "active" | "departed";
                    /** @description increases with every change; the ETag */
                    readonly version?: number;
                    readonly created_at?: string;
                    readonly updated_at?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description an e-mail address */
                        id: string;
                        name: string;
                        /** @enum {string} */
                        status: "active" | "departed";
                        /** @description increases with every change; the ETag */
                        readonly version: number;
                        readonly created_at: string;
                        readonly updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listVendors: {
        parameters: {
            query?: {
                /** @description next_cursor from the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            /** @description increases with every change; the ETag */
                            readonly version: number;
                            readonly created_at: string;
                            readonly updated_at: string;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    createVendor: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id: string;
                    name: string;
                    /** @description increases with every change; the ETag */
                    readonly version?: number;
                    readonly created_at?: string;
                    readonly updated_at?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @description increases with every change; the ETag */
                        readonly version: number;
                        readonly created_at: string;
                        readonly updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getVendor: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @description increases with every change; the ETag */
                        readonly version: number;
                        readonly created_at: string;
                        readonly updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    replaceVendor: {
        parameters: {
            query?: never;
            header?: {
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id: string;
                    name: string;
                    /** @description increases with every change; the ETag */
                    readonly version?: number;
                    readonly created_at?: string;
                    readonly updated_at?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @description increases with every change; the ETag */
                        readonly version: number;
                        readonly created_at: string;
                        readonly updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listAuthorisations: {
        parameters: {
            query?: {
                /** @description next_cursor from the previous page */
                cursor?: string;
                limit?: number;
                entity?: string;
                service?: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                jurisdiction?: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                status?: "applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            entity: string;
                            /**
                             * @description MiCA crypto-asset service id
                             * @enum {string}
                             */
                            service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                            /**
                             * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                             * @enum {string}
                             */
                            jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                            /** @enum {string} */
                            status: "applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed";
                            /**
                             * @description home: granted by the home authority; passport: notified under MiCA Art. 65
                             * @enum {string}
                             */
                            basis: "home" | "passport";
                            /** @description the supervisor's decision or notification reference */
                            reference: string;
                            /** @description ISO 8601 date or date-time with zone */
                            effective_from?: string;
                            /** @description ISO 8601 date or date-time with zone */
                            deadline?: string;
                            /** @description for a restricted authorisation: the actions its conditions forbid */
                            conditions?: {
                                denied_actions?: string[];
                                note?: string;
                            };
                            /** @description increases with every change; the ETag */
                            readonly version: number;
                            readonly created_at: string;
                            readonly updated_at: string;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    createAuthorisation: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id: string;
                    entity: string;
                    /**
                     * @description MiCA crypto-asset service id
                     * @enum {string}
                     */
                    service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                    /**
                     * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                     * @enum {string}
                     */
                    jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                    /** @enum {string} */
                    status: "applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed";
                    /**
                     * @description home: granted by the home authority; passport: notified under MiCA Art. 65
                     * @enum {string}
                     */
                    basis: "home" | "passport";
                    /** @description the supervisor's decision or notification reference */
                    reference: string;
                    /** @description ISO 8601 date or date-time with zone */
                    effective_from?: string;
                    /** @description ISO 8601 date or date-time with zone */
                    deadline?: string;
                    /** @description for a restricted authorisation: the actions its conditions forbid */
                    conditions?: {
                        denied_actions?: string[];
                        note?: string;
                    };
                    /** @description increases with every change; the ETag */
                    readonly version?: number;
                    readonly created_at?: string;
                    readonly updated_at?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        entity: string;
                        /**
                         * @description MiCA crypto-asset service id
                         * @enum {string}
                         */
                        service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                        /**
                         * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                         * @enum {string}
                         */
                        jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                        /** @enum {string} */
                        status: "applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed";
                        /**
                         * @description home: granted by the home authority; passport: notified under MiCA Art. 65
                         * @enum {string}
                         */
                        basis: "home" | "passport";
                        /** @description the supervisor's decision or notification reference */
                        reference: string;
                        /** @description ISO 8601 date or date-time with zone */
                        effective_from?: string;
                        /** @description ISO 8601 date or date-time with zone */
                        deadline?: string;
                        /** @description for a restricted authorisation: the actions its conditions forbid */
                        conditions?: {
                            denied_actions?: string[];
                            note?: string;
                        };
                        /** @description increases with every change; the ETag */
                        readonly version: number;
                        readonly created_at: string;
                        readonly updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getAuthorisation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        entity: string;
                        /**
                         * @description MiCA crypto-asset service id
                         * @enum {string}
                         */
                        service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                        /**
                         * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                         * @enum {string}
                         */
                        jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                        /** @enum {string} */
                        status: "applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed";
                        /**
                         * @description home: granted by the home authority; passport: notified under MiCA Art. 65
                         * @enum {string}
                         */
                        basis: "home" | "passport";
                        /** @description the supervisor's decision or notification reference */
                        reference: string;
                        /** @description ISO 8601 date or date-time with zone */
                        effective_from?: string;
                        /** @description ISO 8601 date or date-time with zone */
                        deadline?: string;
                        /** @description for a restricted authorisation: the actions its conditions forbid */
                        conditions?: {
                            denied_actions?: string[];
                            note?: string;
                        };
                        /** @description increases with every change; the ETag */
                        readonly version: number;
                        readonly created_at: string;
                        readonly updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    replaceAuthorisation: {
        parameters: {
            query?: never;
            header?: {
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id: string;
                    entity: string;
                    /**
                     * @description MiCA crypto-asset service id
                     * @enum {string}
                     */
                    service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                    /**
                     * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                     * @enum {string}
                     */
                    jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                    /** @enum {string} */
                    status: "applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed";
                    /**
                     * @description home: granted by the home authority; passport: notified under MiCA Art. 65
                     * @enum {string}
                     */
                    basis: "home" | "passport";
                    /** @description the supervisor's decision or notification reference */
                    reference: string;
                    /** @description ISO 8601 date or date-time with zone */
                    effective_from?: string;
                    /** @description ISO 8601 date or date-time with zone */
                    deadline?: string;
                    /** @description for a restricted authorisation: the actions its conditions forbid */
                    conditions?: {
                        denied_actions?: string[];
                        note?: string;
                    };
                    /** @description increases with every change; the ETag */
                    readonly version?: number;
                    readonly created_at?: string;
                    readonly updated_at?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        entity: string;
                        /**
                         * @description MiCA crypto-asset service id
                         * @enum {string}
                         */
                        service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                        /**
                         * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                         * @enum {string}
                         */
                        jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                        /** @enum {string} */
                        status: "applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed";
                        /**
                         * @description home: granted by the home authority; passport: notified under MiCA Art. 65
                         * @enum {string}
                         */
                        basis: "home" | "passport";
                        /** @description the supervisor's decision or notification reference */
                        reference: string;
                        /** @description ISO 8601 date or date-time with zone */
                        effective_from?: string;
                        /** @description ISO 8601 date or date-time with zone */
                        deadline?: string;
                        /** @description for a restricted authorisation: the actions its conditions forbid */
                        conditions?: {
                            denied_actions?: string[];
                            note?: string;
                        };
                        /** @description increases with every change; the ETag */
                        readonly version: number;
                        readonly created_at: string;
                        readonly updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listProducts: {
        parameters: {
            query?: {
                /** @description next_cursor from the previous page */
                cursor?: string;
                limit?: number;
                manufacturer?: string;
                status?: "in_development" | "assessed" | "on_market" | "support_ended" | "withdrawn" | "recalled";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            /** @description the legal entity placing it on the market (an entity id) */
                            manufacturer: string;
                            /** @description versions made available */
                            versions: string[];
                            /** @description release channels (default: stable) */
                            channels?: string[];
                            /**
                             * @description CRA category: default, important class I or II (Annex III), critical (Annex IV)
                             * @enum {string}
                             */
                            category: "default" | "important_class_i" | "important_class_ii" | "critical";
                            /**
                             * @description conformity and market status; changes only through a transition
                             * @enum {string}
                             */
                            status: "in_development" | "assessed" | "on_market" | "support_ended" | "withdrawn" | "recalled";
                            /** @description ISO 8601 date or date-time with zone */
                            placed_on_market?: string;
                            /** @description ISO 8601 date or date-time with zone */
                            support_period_end?: string;
                            /** @description the conformity assessment (CRA Art. 32) */
                            conformity_assessment?: {
                                /** @enum {string} */
                                procedure: "internal_control" | "eu_type_examination" | "full_quality_assurance" | "european_certification";
                                reference: string;
                                /** @description its name and number */
                                notified_body?: string;
                            };
                            /** @description the EU declaration of conformity reference (Art. 28) */
                            declaration_of_conformity?: string;
                            /** @description where it is made available */
                            member_states: ("AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO")[];
                            /** @description the reference of its last status change */
                            reference?: string;
                            /** @description increases with every change; the ETag */
                            readonly version: number;
                            readonly created_at: string;
                            readonly updated_at: string;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    createProduct: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id: string;
                    name: string;
                    /** @description the legal entity placing it on the market (an entity id) */
                    manufacturer: string;
                    /** @description versions made available */
                    versions: string[];
                    /** @description release channels (default: stable) */
                    channels?: string[];
                    /**
                     * @description CRA category: default, important class I or II (Annex III), critical (Annex IV)
                     * @enum {string}
                     */
                    category: "default" | "important_class_i" | "important_class_ii" | "critical";
                    /**
                     * @description conformity and market status; changes only through a transition
                     * @enum {string}
                     */
                    status: "in_development" | "assessed" | "on_market" | "support_ended" | "withdrawn" | "recalled";
                    /** @description ISO 8601 date or date-time with zone */
                    placed_on_market?: string;
                    /** @description ISO 8601 date or date-time with zone */
                    support_period_end?: string;
                    /** @description the conformity assessment (CRA Art. 32) */
                    conformity_assessment?: {
                        /** @enum {string} */
                        procedure: "internal_control" | "eu_type_examination" | "full_quality_assurance" | "european_certification";
                        reference: string;
                        /** @description its name and number */
                        notified_body?: string;
                    };
                    /** @description the EU declaration of conformity reference (Art. 28) */
                    declaration_of_conformity?: string;
                    /** @description where it is made available */
                    member_states: ("AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO")[];
                    /** @description the reference of its last status change */
                    reference?: string;
                    /** @description increases with every change; the ETag */
                    readonly version?: number;
                    readonly created_at?: string;
                    readonly updated_at?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @description the legal entity placing it on the market (an entity id) */
                        manufacturer: string;
                        /** @description versions made available */
                        versions: string[];
                        /** @description release channels (default: stable) */
                        channels?: string[];
                        /**
                         * @description CRA category: default, important class I or II (Annex III), critical (Annex IV)
                         * @enum {string}
                         */
                        category: "default" | "important_class_i" | "important_class_ii" | "critical";
                        /**
                         * @description conformity and market status; changes only through a transition
                         * @enum {string}
                         */
                        status: "in_development" | "assessed" | "on_market" | "support_ended" | "withdrawn" | "recalled";
                        /** @description ISO 8601 date or date-time with zone */
                        placed_on_market?: string;
                        /** @description ISO 8601 date or date-time with zone */
                        support_period_end?: string;
                        /** @description the conformity assessment (CRA Art. 32) */
                        conformity_assessment?: {
                            /** @enum {string} */
                            procedure: "internal_control" | "eu_type_examination" | "full_quality_assurance" | "european_certification";
                            reference: string;
                            /** @description its name and number */
                            notified_body?: string;
                        };
                        /** @description the EU declaration of conformity reference (Art. 28) */
                        declaration_of_conformity?: string;
                        /** @description where it is made available */
                        member_states: ("AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO")[];
                        /** @description the reference of its last status change */
                        reference?: string;
                        /** @description increases with every change; the ETag */
                        readonly version: number;
                        readonly created_at: string;
                        readonly updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getProduct: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @description the legal entity placing it on the market (an entity id) */
                        manufacturer: string;
                        /** @description versions made available */
                        versions: string[];
                        /** @description release channels (default: stable) */
                        channels?: string[];
                        /**
                         * @description CRA category: default, important class I or II (Annex III), critical (Annex IV)
                         * @enum {string}
                         */
                        category: "default" | "important_class_i" | "important_class_ii" | "critical";
                        /**
                         * @description conformity and market status; changes only through a transition
                         * @enum {string}
                         */
                        status: "in_development" | "assessed" | "on_market" | "support_ended" | "withdrawn" | "recalled";
                        /** @description ISO 8601 date or date-time with zone */
                        placed_on_market?: string;
                        /** @description ISO 8601 date or date-time with zone */
                        support_period_end?: string;
                        /** @description the conformity assessment (CRA Art. 32) */
                        conformity_assessment?: {
                            /** @enum {string} */
                            procedure: "internal_control" | "eu_type_examination" | "full_quality_assurance" | "european_certification";
                            reference: string;
                            /** @description its name and number */
                            notified_body?: string;
                        };
                        /** @description the EU declaration of conformity reference (Art. 28) */
                        declaration_of_conformity?: string;
                        /** @description where it is made available */
                        member_states: ("AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO")[];
                        /** @description the reference of its last status change */
                        reference?: string;
                        /** @description increases with every change; the ETag */
                        readonly version: number;
                        readonly created_at: string;
                        readonly updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    replaceProduct: {
        parameters: {
            query?: never;
            header?: {
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id: string;
                    name: string;
                    /** @description the legal entity placing it on the market (an entity id) */
                    manufacturer: string;
                    /** @description versions made available */
                    versions: string[];
                    /** @description release channels (default: stable) */
                    channels?: string[];
                    /**
                     * @description CRA category: default, important class I or II (Annex III), critical (Annex IV)
                     * @enum {string}
                     */
                    category: "default" | "important_class_i" | "important_class_ii" | "critical";
                    /**
                     * @description conformity and market status; changes only through a transition
                     * @enum {string}
                     */
                    status: "in_development" | "assessed" | "on_market" | "support_ended" | "withdrawn" | "recalled";
                    /** @description ISO 8601 date or date-time with zone */
                    placed_on_market?: string;
                    /** @description ISO 8601 date or date-time with zone */
                    support_period_end?: string;
                    /** @description the conformity assessment (CRA Art. 32) */
                    conformity_assessment?: {
                        /** @enum {string} */
                        procedure: "internal_control" | "eu_type_examination" | "full_quality_assurance" | "european_certification";
                        reference: string;
                        /** @description its name and number */
                        notified_body?: string;
                    };
                    /** @description the EU declaration of conformity reference (Art. 28) */
                    declaration_of_conformity?: string;
                    /** @description where it is made available */
                    member_states: ("AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO")[];
                    /** @description the reference of its last status change */
                    reference?: string;
                    /** @description increases with every change; the ETag */
                    readonly version?: number;
                    readonly created_at?: string;
                    readonly updated_at?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @description the legal entity placing it on the market (an entity id) */
                        manufacturer: string;
                        /** @description versions made available */
                        versions: string[];
                        /** @description release channels (default: stable) */
                        channels?: string[];
                        /**
                         * @description CRA category: default, important class I or II (Annex III), critical (Annex IV)
                         * @enum {string}
                         */
                        category: "default" | "important_class_i" | "important_class_ii" | "critical";
                        /**
                         * @description conformity and market status; changes only through a transition
                         * @enum {string}
                         */
                        status: "in_development" | "assessed" | "on_market" | "support_ended" | "withdrawn" | "recalled";
                        /** @description ISO 8601 date or date-time with zone */
                        placed_on_market?: string;
                        /** @description ISO 8601 date or date-time with zone */
                        support_period_end?: string;
                        /** @description the conformity assessment (CRA Art. 32) */
                        conformity_assessment?: {
                            /** @enum {string} */
                            procedure: "internal_control" | "eu_type_examination" | "full_quality_assurance" | "european_certification";
                            reference: string;
                            /** @description its name and number */
                            notified_body?: string;
                        };
                        /** @description the EU declaration of conformity reference (Art. 28) */
                        declaration_of_conformity?: string;
                        /** @description where it is made available */
                        member_states: ("AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO")[];
                        /** @description the reference of its last status change */
                        reference?: string;
                        /** @description increases with every change; the ETag */
                        readonly version: number;
                        readonly created_at: string;
                        readonly updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listIdentities: {
        parameters: {
            query?: {
                /** @description next_cursor from the previous page */
                cursor?: string;
                limit?: number;
                entity?: string;
                service?: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                jurisdiction?: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                product?: string;
                kind?: "service_account" | "api_key" | "workload" | "signing_key" | "pipeline" | "wallet_integration" | "ai_agent";
                function?: "custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security";
                capability?: "observe" | "execute";
                status?: "active" | "suspended" | "revoked" | "decommissioned";
                environment?: "production" | "staging" | "development";
                owner?: string;
                vendor?: string;
                /** @description case-insensitive substring of the id, owner or purpose (no control characters) */
                q?: string;
                /** @description default id; ties are ordered by id */
                sort?: "id" | "owner" | "status" | "kind" | "function" | "capability" | "environment" | "updated_at";
                /** @description default asc */
                order?: "asc" | "desc";
                /** @description also answer total: how many match the filters */
                count?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            /** @enum {string} */
                            kind: "service_account" | "api_key" | "workload" | "signing_key" | "pipeline" | "wallet_integration" | "ai_agent";
                            /** @enum {string} */
                            function: "custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security";
                            /** @enum {string} */
                            capability: "observe" | "execute";
                            /** @description an e-mail address */
                            owner?: string;
                            purpose?: string;
                            scopes: ({
                                entity: string;
                                /**
                                 * @description MiCA crypto-asset service id
                                 * @enum {string}
                                 */
                                service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                                /**
                                 * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                                 * @enum {string}
                                 */
                                jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                            } | {
                                product: string;
                                channel?: string;
                            })[];
                            /** @description entitled actions; default per function */
                            actions?: string[];
                            /** @enum {string} */
                            environment: "production" | "staging" | "development";
                            vendor?: string;
                            /** @default false */
                            break_glass: boolean;
                            /** @description credential metadata only: Mandate never takes the secret itself */
                            credential: {
                                /** @enum {string} */
                                type: "short_lived" | "static_secret" | "certificate" | "key_pair";
                                /** @description ISO 8601 date or date-time with zone */
                                created: string;
                                /** @description ISO 8601 date or date-time with zone */
                                last_rotated?: string;
                                /** @description ISO 8601 date or date-time with zone */
                                expires?: string;
                            };
                            revocation?: {
                                /** @description e.g. postgres, redis, rabbitmq, webhook, manual */
                                connector: string;
                                /** @description what the connector switches off, e.g. a role or user name */
                                target: string;
                            };
                            /**
                             * @description default active
                             * @enum {string}
                             */
                            status?: "active" | "suspended" | "revoked" | "decommissioned";
                            labels?: {
                                [key: string]: string;
                            };
                            /** @description ISO 8601 date or date-time with zone */
                            last_used?: string;
                            /** @description increases with every change; the ETag */
                            readonly version: number;
                            readonly created_at: string;
                            readonly updated_at: string;
                        }[];
                        next_cursor: string | null;
                        /** @description with count=true */
                        total?: number;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    createIdentity: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id: string;
                    /** @enum {string} */
                    kind: "service_account" | "api_key" | "workload" | "signing_key" | "pipeline" | "wallet_integration" | "ai_agent";
                    /** @enum {string} */
                    function: "custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security";
                    /** @enum {string} */
                    capability: "observe" | "execute";
                    /** @description an e-mail address */
                    owner?: string;
                    purpose?: string;
                    scopes: ({
                        entity: string;
                        /**
                         * @description MiCA crypto-asset service id
                         * @enum {string}
                         */
                        service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                        /**
                         * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                         * @enum {string}
                         */
                        jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                    } | {
                        product: string;
                        channel?: string;
                    })[];
                    /** @description entitled actions; default per function */
                    actions?: string[];
                    /** @enum {string} */
                    environment: "production" | "staging" | "development";
                    vendor?: string;
                    /** @default false */
                    break_glass?: boolean;
                    /** @description credential metadata only: Mandate never takes the secret itself */
                    credential: {
                        /** @enum {string} */
                        type: "short_lived" | "static_secret" | "certificate" | "key_pair";
                        /** @description ISO 8601 date or date-time with zone */
                        created: string;
                        /** @description ISO 8601 date or date-time with zone */
                        last_rotated?: string;
                        /** @description ISO 8601 date or date-time with zone */
                        expires?: string;
                    };
                    revocation?: {
                        /** @description e.g. postgres, redis, rabbitmq, webhook, manual */
                        connector: string;
                        /** @description what the connector switches off, e.g. a role or user name */
                        target: string;
                    };
                    /**
                     * @description default active
                     * @enum {string}
                     */
                    status?: "active" | "suspended" | "revoked" | "decommissioned";
                    labels?: {
                        [key: string]: string;
                    };
                    /** @description ISO 8601 date or date-time with zone */
                    last_used?: string;
                    /** @description increases with every change; the ETag */
                    readonly version?: number;
                    readonly created_at?: string;
                    readonly updated_at?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        kind: "service_account" | "api_key" | "workload" | "signing_key" | "pipeline" | "wallet_integration" | "ai_agent";
                        /** @enum {string} */
                        function: "custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security";
                        /** @enum {string} */
                        capability: "observe" | "execute";
                        /** @description an e-mail address */
                        owner?: string;
                        purpose?: string;
                        scopes: ({
                            entity: string;
                            /**
                             * @description MiCA crypto-asset service id
                             * @enum {string}
                             */
                            service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                            /**
                             * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                             * @enum {string}
                             */
                            jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                        } | {
                            product: string;
                            channel?: string;
                        })[];
                        /** @description entitled actions; default per function */
                        actions?: string[];
                        /** @enum {string} */
                        environment: "production" | "staging" | "development";
                        vendor?: string;
                        /** @default false */
                        break_glass: boolean;
                        /** @description credential metadata only: Mandate never takes the secret itself */
                        credential: {
                            /** @enum {string} */
                            type: "short_lived" | "static_secret" | "certificate" | "key_pair";
                            /** @description ISO 8601 date or date-time with zone */
                            created: string;
                            /** @description ISO 8601 date or date-time with zone */
                            last_rotated?: string;
                            /** @description ISO 8601 date or date-time with zone */
                            expires?: string;
                        };
                        revocation?: {
                            /** @description e.g. postgres, redis, rabbitmq, webhook, manual */
                            connector: string;
                            /** @description what the connector switches off, e.g. a role or user name */
                            target: string;
                        };
                        /**
                         * @description default active
                         * @enum {string}
                         */
                        status?: "active" | "suspended" | "revoked" | "decommissioned";
                        labels?: {
                            [key: string]: string;
                        };
                        /** @description ISO 8601 date or date-time with zone */
                        last_used?: string;
                        /** @description increases with every change; the ETag */
                        readonly version: number;
                        readonly created_at: string;
                        readonly updated_at: string;
                    };
                };
            };
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        kind: "identity_change";
                        requester: string;
                        /** @enum {string} */
                        status: "pending" | "applied" | "rejected" | "expired" | "cancelled";
                        /** @description the identity's version the change applies on top of (0: it creates the identity) */
                        base_version: number;
                        change: {
                            /** Identity */
                            identity: {
                                id: string;
                                /** @enum {string} */
                                kind: "service_account" | "api_key" | "workload" | "signing_key" | "pipeline" | "wallet_integration" | "ai_agent";
                                /** @enum {string} */
                                function: "custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security";
                                /** @enum {string} */
                                capability: "observe" | "execute";
                                /** @description an e-mail address */
                                owner?: string;
                                purpose?: string;
                                scopes: ({
                                    entity: string;
                                    /**
                                     * @description MiCA crypto-asset service id
                                     * @enum {string}
                                     */
                                    service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                                    /**
                                     * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                                     * @enum {string}
                                     */
                                    jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                                } | {
                                    product: string;
                                    channel?: string;
                                })[];
                                /** @description entitled actions; default per function */
                                actions?: string[];
                                /** @enum {string} */
                                environment: "production" | "staging" | "development";
                                vendor?: string;
                                /** @default false */
                                break_glass: boolean;
                                /** @description credential metadata only: Mandate never takes the secret itself */
                                credential: {
                                    /** @enum {string} */
                                    type: "short_lived" | "static_secret" | "certificate" | "key_pair";
                                    /** @description ISO 8601 date or date-time with zone */
                                    created: string;
                                    /** @description ISO 8601 date or date-time with zone */
                                    last_rotated?: string;
                                    /** @description ISO 8601 date or date-time with zone */
                                    expires?: string;
                                };
                                revocation?: {
                                    /** @description e.g. postgres, redis, rabbitmq, webhook, manual */
                                    connector: string;
                                    /** @description what the connector switches off, e.g. a role or user name */
                                    target: string;
                                };
                                /**
                                 * @description default active
                                 * @enum {string}
                                 */
                                status?: "active" | "suspended" | "revoked" | "decommissioned";
                                labels?: {
                                    [key: string]: string;
                                };
                                /** @description ISO 8601 date or date-time with zone */
                                last_used?: string;
                            };
                            /** @description how the change adds power */
                            gains: {
                                kind: string;
                                detail: string;
                            }[];
                            /** @description edit, create or import */
                            source: string;
                        };
                        result: {
                            version: number;
                        } | null;
                        /** Approval */
                        approval?: {
                            id: string;
                            /** @enum {string} */
                            kind: "transition" | "policy_change" | "lifecycle_rules_change" | "access" | "exception" | "break_glass" | "identity_change";
                            subject: {
                                type: string;
                                id: string;
                            };
                            requester: string;
                            owner: string | null;
                            summary: string;
                            /** @description what the request is about, by kind */
                            detail: {
                                [key: string]: unknown;
                            };
                            /** @description the approval rule that decides it */
                            rule: string;
                            /** @description approvals needed */
                            required: number;
                            roles: ("viewer" | "operator" | "compliance_officer" | "approver" | "admin" | "enforcer" | "monitor" | "ssf_receiver")[];
                            /** @enum {string} */
                            status: "pending" | "approved" | "rejected" | "expired" | "cancelled";
                            votes: {
                                voter: string;
                                /** @enum {string} */
                                decision: "approve" | "reject";
                                reason: string | null;
                                at: string;
                            }[];
                            created_at: string;
                            expires_at: string;
                            decided_at: string | null;
                            outcome: string | null;
                            /** @description set when the request was decided on an emergency path (a break-glass unseal, an emergency transition): approved with no vote, so nobody approved it; null for a request decided by votes */
                            emergency: {
                                /**
                                 * @description the post-incident review it owes: open until someone other than who took the path closes it
                                 * @enum {string}
                                 */
                                review: "open" | "done" | "none";
                                reviewed_by: string | null;
                                reviewed_at: string | null;
                            } | null;
                        };
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getIdentity: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        kind: "service_account" | "api_key" | "workload" | "signing_key" | "pipeline" | "wallet_integration" | "ai_agent";
                        /** @enum {string} */
                        function: "custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security";
                        /** @enum {string} */
                        capability: "observe" | "execute";
                        /** @description an e-mail address */
                        owner?: string;
                        purpose?: string;
                        scopes: ({
                            entity: string;
                            /**
                             * @description MiCA crypto-asset service id
                             * @enum {string}
                             */
                            service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                            /**
                             * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                             * @enum {string}
                             */
                            jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                        } | {
                            product: string;
                            channel?: string;
                        })[];
                        /** @description entitled actions; default per function */
                        actions?: string[];
                        /** @enum {string} */
                        environment: "production" | "staging" | "development";
                        vendor?: string;
                        /** @default false */
                        break_glass: boolean;
                        /** @description credential metadata only: Mandate never takes the secret itself */
                        credential: {
                            /** @enum {string} */
                            type: "short_lived" | "static_secret" | "certificate" | "key_pair";
                            /** @description ISO 8601 date or date-time with zone */
                            created: string;
                            /** @description ISO 8601 date or date-time with zone */
                            last_rotated?: string;
                            /** @description ISO 8601 date or date-time with zone */
                            expires?: string;
                        };
                        revocation?: {
                            /** @description e.g. postgres, redis, rabbitmq, webhook, manual */
                            connector: string;
                            /** @description what the connector switches off, e.g. a role or user name */
                            target: string;
                        };
                        /**
                         * @description default active
                         * @enum {string}
                         */
                        status?: "active" | "suspended" | "revoked" | "decommissioned";
                        labels?: {
                            [key: string]: string;
                        };
                        /** @description ISO 8601 date or date-time with zone */
                        last_used?: string;
                        /** @description increases with every change; the ETag */
                        readonly version: number;
                        readonly created_at: string;
                        readonly updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    replaceIdentity: {
        parameters: {
            query?: never;
            header?: {
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id: string;
                    /** @enum {string} */
                    kind: "service_account" | "api_key" | "workload" | "signing_key" | "pipeline" | "wallet_integration" | "ai_agent";
                    /** @enum {string} */
                    function: "custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security";
                    /** @enum {string} */
                    capability: "observe" | "execute";
                    /** @description an e-mail address */
                    owner?: string;
                    purpose?: string;
                    scopes: ({
                        entity: string;
                        /**
                         * @description MiCA crypto-asset service id
                         * @enum {string}
                         */
                        service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                        /**
                         * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                         * @enum {string}
                         */
                        jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                    } | {
                        product: string;
                        channel?: string;
                    })[];
                    /** @description entitled actions; default per function */
                    actions?: string[];
                    /** @enum {string} */
                    environment: "production" | "staging" | "development";
                    vendor?: string;
                    /** @default false */
                    break_glass?: boolean;
                    /** @description credential metadata only: Mandate never takes the secret itself */
                    credential: {
                        /** @enum {string} */
                        type: "short_lived" | "static_secret" | "certificate" | "key_pair";
                        /** @description ISO 8601 date or date-time with zone */
                        created: string;
                        /** @description ISO 8601 date or date-time with zone */
                        last_rotated?: string;
                        /** @description ISO 8601 date or date-time with zone */
                        expires?: string;
                    };
                    revocation?: {
                        /** @description e.g. postgres, redis, rabbitmq, webhook, manual */
                        connector: string;
                        /** @description what the connector switches off, e.g. a role or user name */
                        target: string;
                    };
                    /**
                     * @description default active
                     * @enum {string}
                     */
                    status?: "active" | "suspended" | "revoked" | "decommissioned";
                    labels?: {
                        [key: string]: string;
                    };
                    /** @description ISO 8601 date or date-time with zone */
                    last_used?: string;
                    /** @description increases with every change; the ETag */
                    readonly version?: number;
                    readonly created_at?: string;
                    readonly updated_at?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        kind: "service_account" | "api_key" | "workload" | "signing_key" | "pipeline" | "wallet_integration" | "ai_agent";
                        /** @enum {string} */
                        function: "custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security";
                        /** @enum {string} */
                        capability: "observe" | "execute";
                        /** @description an e-mail address */
                        owner?: string;
                        purpose?: string;
                        scopes: ({
                            entity: string;
                            /**
                             * @description MiCA crypto-asset service id
                             * @enum {string}
                             */
                            service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                            /**
                             * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                             * @enum {string}
                             */
                            jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                        } | {
                            product: string;
                            channel?: string;
                        })[];
                        /** @description entitled actions; default per function */
                        actions?: string[];
                        /** @enum {string} */
                        environment: "production" | "staging" | "development";
                        vendor?: string;
                        /** @default false */
                        break_glass: boolean;
                        /** @description credential metadata only: Mandate never takes the secret itself */
                        credential: {
                            /** @enum {string} */
                            type: "short_lived" | "static_secret" | "certificate" | "key_pair";
                            /** @description ISO 8601 date or date-time with zone */
                            created: string;
                            /** @description ISO 8601 date or date-time with zone */
                            last_rotated?: string;
                            /** @description ISO 8601 date or date-time with zone */
                            expires?: string;
                        };
                        revocation?: {
                            /** @description e.g. postgres, redis, rabbitmq, webhook, manual */
                            connector: string;
                            /** @description what the connector switches off, e.g. a role or user name */
                            target: string;
                        };
                        /**
                         * @description default active
                         * @enum {string}
                         */
                        status?: "active" | "suspended" | "revoked" | "decommissioned";
                        labels?: {
                            [key: string]: string;
                        };
                        /** @description ISO 8601 date or date-time with zone */
                        last_used?: string;
                        /** @description increases with every change; the ETag */
                        readonly version: number;
                        readonly created_at: string;
                        readonly updated_at: string;
                    };
                };
            };
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        kind: "identity_change";
                        requester: string;
                        /** @enum {string} */
                        status: "pending" | "applied" | "rejected" | "expired" | "cancelled";
                        /** @description the identity's version the change applies on top of (0: it creates the identity) */
                        base_version: number;
                        change: {
                            /** Identity */
                            identity: {
                                id: string;
                                /** @enum {string} */
                                kind: "service_account" | "api_key" | "workload" | "signing_key" | "pipeline" | "wallet_integration" | "ai_agent";
                                /** @enum {string} */
                                function: "custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security";
                                /** @enum {string} */
                                capability: "observe" | "execute";
                                /** @description an e-mail address */
                                owner?: string;
                                purpose?: string;
                                scopes: ({
                                    entity: string;
                                    /**
                                     * @description MiCA crypto-asset service id
                                     * @enum {string}
                                     */
                                    service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                                    /**
                                     * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                                     * @enum {string}
                                     */
                                    jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                                } | {
                                    product: string;
                                    channel?: string;
                                })[];
                                /** @description entitled actions; default per function */
                                actions?: string[];
                                /** @enum {string} */
                                environment: "production" | "staging" | "development";
                                vendor?: string;
                                /** @default false */
                                break_glass: boolean;
                                /** @description credential metadata only: Mandate never takes the secret itself */
                                credential: {
                                    /** @enum {string} */
                                    type: "short_lived" | "static_secret" | "certificate" | "key_pair";
                                    /** @description ISO 8601 date or date-time with zone */
                                    created: string;
                                    /** @description ISO 8601 date or date-time with zone */
                                    last_rotated?: string;
                                    /** @description ISO 8601 date or date-time with zone */
                                    expires?: string;
                                };
                                revocation?: {
                                    /** @description e.g. postgres, redis, rabbitmq, webhook, manual */
                                    connector: string;
                                    /** @description what the connector switches off, e.g. a role or user name */
                                    target: string;
                                };
                                /**
                                 * @description default active
                                 * @enum {string}
                                 */
                                status?: "active" | "suspended" | "revoked" | "decommissioned";
                                labels?: {
                                    [key: string]: string;
                                };
                                /** @description ISO 8601 date or date-time with zone */
                                last_used?: string;
                            };
                            /** @description how the change adds power */
                            gains: {
                                kind: string;
                                detail: string;
                            }[];
                            /** @description edit, create or import */
                            source: string;
                        };
                        result: {
                            version: number;
                        } | null;
                        /** Approval */
                        approval?: {
                            id: string;
                            /** @enum {string} */
                            kind: "transition" | "policy_change" | "lifecycle_rules_change" | "access" | "exception" | "break_glass" | "identity_change";
                            subject: {
                                type: string;
                                id: string;
                            };
                            requester: string;
                            owner: string | null;
                            summary: string;
                            /** @description what the request is about, by kind */
                            detail: {
                                [key: string]: unknown;
                            };
                            /** @description the approval rule that decides it */
                            rule: string;
                            /** @description approvals needed */
                            required: number;
                            roles: ("viewer" | "operator" | "compliance_officer" | "approver" | "admin" | "enforcer" | "monitor" | "ssf_receiver")[];
                            /** @enum {string} */
                            status: "pending" | "approved" | "rejected" | "expired" | "cancelled";
                            votes: {
                                voter: string;
                                /** @enum {string} */
                                decision: "approve" | "reject";
                                reason: string | null;
                                at: string;
                            }[];
                            created_at: string;
                            expires_at: string;
                            decided_at: string | null;
                            outcome: string | null;
                            /** @description set when the request was decided on an emergency path (a break-glass unseal, an emergency transition): approved with no vote, so nobody approved it; null for a request decided by votes */
                            emergency: {
                                /**
                                 * @description the post-incident review it owes: open until someone other than who took the path closes it
                                 * @enum {string}
                                 */
                                review: "open" | "done" | "none";
                                reviewed_by: string | null;
                                reviewed_at: string | null;
                            } | null;
                        };
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getInventorySummary: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        identities: {
                            total: number;
                            by_function_capability: {
                                custody: {
                                    observe: number;
                                    execute: number;
                                };
                                trading: {
                                    observe: number;
                                    execute: number;
                                };
                                settlement: {
                                    observe: number;
                                    execute: number;
                                };
                                reconciliation: {
                                    observe: number;
                                    execute: number;
                                };
                                customer_support: {
                                    observe: number;
                                    execute: number;
                                };
                                reporting: {
                                    observe: number;
                                    execute: number;
                                };
                                infrastructure: {
                                    observe: number;
                                    execute: number;
                                };
                                release_engineering: {
                                    observe: number;
                                    execute: number;
                                };
                                update_distribution: {
                                    observe: number;
                                    execute: number;
                                };
                                device_management: {
                                    observe: number;
                                    execute: number;
                                };
                                product_security: {
                                    observe: number;
                                    execute: number;
                                };
                            };
                            by_status: {
                                active: number;
                                suspended: number;
                                revoked: number;
                                decommissioned: number;
                            };
                            by_kind: {
                                service_account: number;
                                api_key: number;
                                workload: number;
                                signing_key: number;
                                pipeline: number;
                                wallet_integration: number;
                                ai_agent: number;
                            };
                            by_environment: {
                                production: number;
                                staging: number;
                                development: number;
                            };
                        };
                        authorisations: {
                            total: number;
                            by_status: {
                                applied: number;
                                authorised: number;
                                restricted: number;
                                suspended: number;
                                withdrawn: number;
                                wind_down: number;
                                closed: number;
                            };
                        };
                        entities: {
                            total: number;
                        };
                        people: {
                            total: number;
                        };
                        vendors: {
                            total: number;
                        };
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getIdentityPower: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        identity: string;
                        /** @enum {string} */
                        status: "active" | "suspended" | "revoked" | "decommissioned";
                        /** @enum {string} */
                        capability: "observe" | "execute";
                        break_glass: boolean;
                        /** @description a break-glass identity with no activation open: every decision for it is a deny */
                        sealed: boolean;
                        /** @description whether it may act at all now: active and not sealed */
                        acts: boolean;
                        /**
                         * @description what the lifecycle makes of it now: keep (all entitled power lawful), narrow, suspend
                         * @enum {string}
                         */
                        outcome: "keep" | "narrow" | "suspend";
                        why: string;
                        summary: {
                            entitled: number;
                            lawful: number;
                            unlawful: number;
                            lent: number;
                        };
                        scopes: {
                            scope: {
                                entity: string;
                                /**
                                 * @description MiCA crypto-asset service id
                                 * @enum {string}
                                 */
                                service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                                /**
                                 * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                                 * @enum {string}
                                 */
                                jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                            } | {
                                product: string;
                                channel?: string;
                            };
                            /** @description entity/service/jurisdiction, or product:<id>[/<channel>] */
                            key: string;
                            /**
                             * @description the state of the authorisation or product behind the scope (none: there is none)
                             * @enum {string}
                             */
                            state: "applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed" | "none" | "in_development" | "assessed" | "on_market" | "support_ended" | "recalled";
                            authorisation: {
                                id: string;
                                status: string;
                                denied_actions?: string[];
                            } | null;
                            /** @description false: a grant reaches into a scope the identity's record does not name */
                            entitled: boolean;
                            actions: {
                                action: string;
                                /** @enum {string} */
                                class: "observe" | "new_business" | "return_path";
                                /** @description false: only a grant lends it */
                                entitled: boolean;
                                lawful: boolean;
                                /** @description the rule id, or table:<state>.<class>, that decided */
                                by: string;
                                because: string;
                                lent_by: {
                                    id: string;
                                    /** @enum {string} */
                                    kind: "access" | "exception" | "break_glass";
                                    expires_at: number;
                                }[];
                            }[];
                        }[];
                        grants: {
                            id: string;
                            /** @enum {string} */
                            kind: "access" | "exception" | "break_glass";
                            identity: string;
                            /** @description absent: the identity's own (break-glass) */
                            actions?: string[];
                            /** @description absent: the identity's own scopes */
                            scope?: string;
                            /** @enum {string} */
                            control?: "entitlement" | "workload_attestation" | "static_secret";
                            obligations?: string[];
                            /** @description epoch milliseconds */
                            expires_at: number;
                        }[];
                        recorded: {
                            /** @enum {string} */
                            outcome: "keep" | "narrow" | "suspend";
                            suspended_by_lifecycle: boolean;
                            /** @description the transition, change or refresh that wrote it */
                            cause: string;
                        } | null;
                        /** @description whether the stored power matches the power computed now */
                        in_step: boolean;
                        rules: {
                            id: string;
                            version: number;
                        };
                        /** @description the product rules (CRA), for an identity with product scopes */
                        product_rules?: {
                            id: string;
                            version: number;
                        };
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    changeIdentityStatus: {
        parameters: {
            query?: never;
            header?: {
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    status: "active" | "suspended" | "revoked" | "decommissioned";
                    reason: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        kind: "service_account" | "api_key" | "workload" | "signing_key" | "pipeline" | "wallet_integration" | "ai_agent";
                        /** @enum {string} */
                        function: "custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security";
                        /** @enum {string} */
                        capability: "observe" | "execute";
                        /** @description an e-mail address */
                        owner?: string;
                        purpose?: string;
                        scopes: ({
                            entity: string;
                            /**
                             * @description MiCA crypto-asset service id
                             * @enum {string}
                             */
                            service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                            /**
                             * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                             * @enum {string}
                             */
                            jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                        } | {
                            product: string;
                            channel?: string;
                        })[];
                        /** @description entitled actions; default per function */
                        actions?: string[];
                        /** @enum {string} */
                        environment: "production" | "staging" | "development";
                        vendor?: string;
                        /** @default false */
                        break_glass: boolean;
                        /** @description credential metadata only: Mandate never takes the secret itself */
                        credential: {
                            /** @enum {string} */
                            type: "short_lived" | "static_secret" | "certificate" | "key_pair";
                            /** @description ISO 8601 date or date-time with zone */
                            created: string;
                            /** @description ISO 8601 date or date-time with zone */
                            last_rotated?: string;
                            /** @description ISO 8601 date or date-time with zone */
                            expires?: string;
                        };
                        revocation?: {
                            /** @description e.g. postgres, redis, rabbitmq, webhook, manual */
                            connector: string;
                            /** @description what the connector switches off, e.g. a role or user name */
                            target: string;
                        };
                        /**
                         * @description default active
                         * @enum {string}
                         */
                        status?: "active" | "suspended" | "revoked" | "decommissioned";
                        labels?: {
                            [key: string]: string;
                        };
                        /** @description ISO 8601 date or date-time with zone */
                        last_used?: string;
                        /** @description increases with every change; the ETag */
                        readonly version: number;
                        readonly created_at: string;
                        readonly updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listEvents: {
        parameters: {
            query?: {
                /** @description next_cursor from the previous page */
                cursor?: string;
                limit?: number;
                /** @description alone: every event of that type of record */
                subject_type?: string;
                subject_id?: string;
                /** @description exact, e.g. identity.status_changed */
                action?: string;
                /** @description asc (default): oldest first; desc: newest first */
                order?: "asc" | "desc";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            seq: number;
                            at: string;
                            actor: string;
                            action: string;
                            subject: {
                                type: string;
                                id: string;
                            };
                            before: unknown;
                            after: unknown;
                            reason: string | null;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getEvent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                seq: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        seq: number;
                        at: string;
                        actor: string;
                        action: string;
                        subject: {
                            type: string;
                            id: string;
                        };
                        before: unknown;
                        after: unknown;
                        reason: string | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listEntityEvents: {
        parameters: {
            query?: {
                /** @description next_cursor from the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            seq: number;
                            at: string;
                            actor: string;
                            action: string;
                            subject: {
                                type: string;
                                id: string;
                            };
                            before: unknown;
                            after: unknown;
                            reason: string | null;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listPersonEvents: {
        parameters: {
            query?: {
                /** @description next_cursor from the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            seq: number;
                            at: string;
                            actor: string;
                            action: string;
                            subject: {
                                type: string;
                                id: string;
                            };
                            before: unknown;
                            after: unknown;
                            reason: string | null;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listVendorEvents: {
        parameters: {
            query?: {
                /** @description next_cursor from the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            seq: number;
                            at: string;
                            actor: string;
                            action: string;
                            subject: {
                                type: string;
                                id: string;
                            };
                            before: unknown;
                            after: unknown;
                            reason: string | null;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listAuthorisationEvents: {
        parameters: {
            query?: {
                /** @description next_cursor from the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            seq: number;
                            at: string;
                            actor: string;
                            action: string;
                            subject: {
                                type: string;
                                id: string;
                            };
                            before: unknown;
                            after: unknown;
                            reason: string | null;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listProductEvents: {
        parameters: {
            query?: {
                /** @description next_cursor from the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            seq: number;
                            at: string;
                            actor: string;
                            action: string;
                            subject: {
                                type: string;
                                id: string;
                            };
                            before: unknown;
                            after: unknown;
                            reason: string | null;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listIdentityEvents: {
        parameters: {
            query?: {
                /** @description next_cursor from the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            seq: number;
                            at: string;
                            actor: string;
                            action: string;
                            subject: {
                                type: string;
                                id: string;
                            };
                            before: unknown;
                            after: unknown;
                            reason: string | null;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        user: string;
                        name?: string;
                        roles: string[];
                        /** @description the union of the roles' permissions, in the order core/roles.ts lists them */
                        permissions: string[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listUsers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            roles: string[];
                            status: string;
                            created_at: string;
                            updated_at: string;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    createUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id: string;
                    name: string;
                    roles: ("viewer" | "operator" | "compliance_officer" | "approver" | "admin" | "enforcer" | "monitor" | "ssf_receiver")[];
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        roles: string[];
                        status: string;
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listUserTokens: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            user_id: string;
                            label: string | null;
                            created_at: string;
                            expires_at: string | null;
                            revoked_at: string | null;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    createUserToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    label?: string;
                    /** @description default and at most MANDATE_API_TOKEN_MAX_DAYS (90 days) */
                    expires_in_seconds?: number;
                    /** @description only where MANDATE_API_TOKEN_ALLOW_NO_EXPIRY=true */
                    never_expires?: boolean;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        user_id: string;
                        label: string | null;
                        created_at: string;
                        expires_at: string | null;
                        revoked_at: string | null;
                        token: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    revokeApiToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        user_id: string;
                        label: string | null;
                        created_at: string;
                        expires_at: string | null;
                        revoked_at: string | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listApiClients: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            roles: string[];
                            status: "active" | "revoked";
                            created_at: string;
                            updated_at: string;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    createApiClient: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id: string;
                    name: string;
                    roles: ("viewer" | "operator" | "compliance_officer" | "approver" | "admin" | "enforcer" | "monitor" | "ssf_receiver")[];
                    /** @description the first token expires after this (default: never) */
                    expires_in_seconds?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        roles: string[];
                        status: "active" | "revoked";
                        created_at: string;
                        updated_at: string;
                        token: {
                            id: string;
                            user_id: string;
                            label: string | null;
                            created_at: string;
                            expires_at: string | null;
                            revoked_at: string | null;
                            /** @description in this answer only */
                            token: string;
                        };
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getApiClient: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        roles: string[];
                        status: "active" | "revoked";
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    createApiClientToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    label?: string;
                    expires_in_seconds?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        user_id: string;
                        label: string | null;
                        created_at: string;
                        expires_at: string | null;
                        revoked_at: string | null;
                        /** @description in this answer only */
                        token: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    revokeApiClient: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        roles: string[];
                        status: "active" | "revoked";
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    signIn: {
        parameters: {
            query?: {
                /** @description a path of this server to land on after; or, with code_challenge, the CLI's loopback URL */
                return_to?: string;
                /** @description base64url SHA-256 of the CLI's code verifier (loopback sign-in) */
                code_challenge?: string;
                code_challenge_method?: "S256";
                step_up?: boolean;
                login_hint?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        url: string;
                        expires_at: string;
                    };
                };
            };
            /** @description to the identity provider */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "5XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    completeSignIn: {
        parameters: {
            query?: {
                code?: string;
                state?: string;
                iss?: string;
                error?: string;
                error_description?: string;
                session_state?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        user: string;
                        roles: string[];
                        /** Session */
                        session: {
                            id: string;
                            user: string;
                            issuer: string;
                            subject: string;
                            client: "browser" | "cli";
                            /** @description how the person signed in at the provider (RFC 8176): pwd, otp, mfa, hwk… */
                            amr: string[];
                            acr: string | null;
                            /** @description when the person last authenticated at the provider */
                            auth_time: string | null;
                            created_at: string;
                            last_seen_at: string;
                            idle_expires_at: string;
                            expires_at: string;
                            refreshed_at: string | null;
                            ended_at: string | null;
                            end_reason: string | null;
                        };
                        return_to: string | null;
                    };
                };
            };
            /** @description to the console (or the page the sign-in named) */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "5XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    startDeviceSignIn: {
        parameters: {
            query?: {
                step_up?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description poll with this; it is a secret: whoever holds it gets the session */
                        handle: string;
                        user_code: string;
                        verification_uri: string;
                        verification_uri_complete?: string;
                        expires_in: number;
                        /** @description seconds between polls */
                        interval: number;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "5XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    redeemLoopbackSignIn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    code: string;
                    code_verifier: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description the CLI session (Authorization: Bearer …), in this answer only; absent after a step-up */
                        session_token?: string;
                        /** Session */
                        session: {
                            id: string;
                            user: string;
                            issuer: string;
                            subject: string;
                            client: "browser" | "cli";
                            /** @description how the person signed in at the provider (RFC 8176): pwd, otp, mfa, hwk… */
                            amr: string[];
                            acr: string | null;
                            /** @description when the person last authenticated at the provider */
                            auth_time: string | null;
                            created_at: string;
                            last_seen_at: string;
                            idle_expires_at: string;
                            expires_at: string;
                            refreshed_at: string | null;
                            ended_at: string | null;
                            end_reason: string | null;
                        };
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "5XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    pollDeviceSignIn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    handle: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        status: "pending" | "slow_down" | "complete";
                        interval?: number;
                        /** @description on complete: the CLI session (Authorization: Bearer …), in this answer only; never print it */
                        session_token?: string;
                        user?: string;
                        roles?: string[];
                        /** Session */
                        session?: {
                            id: string;
                            user: string;
                            issuer: string;
                            subject: string;
                            client: "browser" | "cli";
                            /** @description how the person signed in at the provider (RFC 8176): pwd, otp, mfa, hwk… */
                            amr: string[];
                            acr: string | null;
                            /** @description when the person last authenticated at the provider */
                            auth_time: string | null;
                            created_at: string;
                            last_seen_at: string;
                            idle_expires_at: string;
                            expires_at: string;
                            refreshed_at: string | null;
                            ended_at: string | null;
                            end_reason: string | null;
                        };
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "5XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    signOut: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Session */
                        session: {
                            id: string;
                            user: string;
                            issuer: string;
                            subject: string;
                            client: "browser" | "cli";
                            /** @description how the person signed in at the provider (RFC 8176): pwd, otp, mfa, hwk… */
                            amr: string[];
                            acr: string | null;
                            /** @description when the person last authenticated at the provider */
                            auth_time: string | null;
                            created_at: string;
                            last_seen_at: string;
                            idle_expires_at: string;
                            expires_at: string;
                            refreshed_at: string | null;
                            ended_at: string | null;
                            end_reason: string | null;
                        };
                        /** @description send the browser here to sign out of the provider too */
                        logout_url?: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        user: string;
                        roles: string[];
                        permissions: string[];
                        /** Session */
                        session: {
                            id: string;
                            user: string;
                            issuer: string;
                            subject: string;
                            client: "browser" | "cli";
                            /** @description how the person signed in at the provider (RFC 8176): pwd, otp, mfa, hwk… */
                            amr: string[];
                            acr: string | null;
                            /** @description when the person last authenticated at the provider */
                            auth_time: string | null;
                            created_at: string;
                            last_seen_at: string;
                            idle_expires_at: string;
                            expires_at: string;
                            refreshed_at: string | null;
                            ended_at: string | null;
                            end_reason: string | null;
                        };
                        /** @description whether this session may do acts of power now, without signing in again */
                        step_up: {
                            satisfied: boolean;
                            /** @description mfa or recent_sign_in */
                            need?: string;
                            reason?: string;
                        };
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listSessions: {
        parameters: {
            query?: {
                user?: string;
                /** @description only sessions not ended */
                open?: boolean;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            user: string;
                            issuer: string;
                            subject: string;
                            client: "browser" | "cli";
                            /** @description how the person signed in at the provider (RFC 8176): pwd, otp, mfa, hwk… */
                            amr: string[];
                            acr: string | null;
                            /** @description when the person last authenticated at the provider */
                            auth_time: string | null;
                            created_at: string;
                            last_seen_at: string;
                            idle_expires_at: string;
                            expires_at: string;
                            refreshed_at: string | null;
                            ended_at: string | null;
                            end_reason: string | null;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    endSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        user: string;
                        issuer: string;
                        subject: string;
                        client: "browser" | "cli";
                        /** @description how the person signed in at the provider (RFC 8176): pwd, otp, mfa, hwk… */
                        amr: string[];
                        acr: string | null;
                        /** @description when the person last authenticated at the provider */
                        auth_time: string | null;
                        created_at: string;
                        last_seen_at: string;
                        idle_expires_at: string;
                        expires_at: string;
                        refreshed_at: string | null;
                        ended_at: string | null;
                        end_reason: string | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    importManifest: {
        parameters: {
            query?: {
                dry_run?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": string;
                "application/yaml": string;
                "application/x-yaml": string;
                "text/yaml": string;
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        dry_run: boolean;
                        /** @description the first load of an empty inventory, applied whole */
                        bootstrap: boolean;
                        counts: {
                            created: number;
                            updated: number;
                            unchanged: number;
                            rejected: number;
                            /** @description identity records that would gain power: held for approval, not written */
                            held: number;
                        };
                        pending: {
                            id: string;
                            /** @description create or update */
                            op: string;
                            gains: {
                                kind: string;
                                detail: string;
                            }[];
                            /** @description GET /v1/changes/{id} */
                            change_request?: string;
                            /** @description what approvers vote on: POST /v1/approvals/{id}/approve */
                            approval?: string;
                            /** @description approvals the rules require */
                            required?: number;
                        }[];
                        pending_total: number;
                        /** @description SHA-256 of the manifest as sent */
                        digest: string;
                        changes?: {
                            kind: string;
                            id: string;
                            op: string;
                            changes: {
                                field: string;
                                before?: unknown;
                                after?: unknown;
                            }[];
                        }[];
                        changes_total?: number;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    previewImpact: {
        parameters: {
            query: {
                to: "applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed";
                /** @description comma-separated, for restricted */
                denied_actions?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        moved: {
                            id: string;
                            /** @enum {string} */
                            from: "applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed" | "in_development" | "assessed" | "on_market" | "support_ended" | "recalled";
                            /** @enum {string} */
                            to: "applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed" | "in_development" | "assessed" | "on_market" | "support_ended" | "recalled";
                            via: string | null;
                        }[];
                        /** @description the lifecycle rules version the preview used: the CRA product rules for a product transition, else the MiCA rules */
                        rules_version: number;
                        counts: {
                            suspend: number;
                            narrow: number;
                            restore: number;
                            unchanged: number;
                        };
                        suspended: {
                            identity: string;
                            why: string;
                            removed: {
                                scope: string;
                                action: string;
                                rule: string;
                            }[];
                        }[];
                        narrowed: {
                            identity: string;
                            from: string[];
                            to: {
                                scope: string;
                                actions: string[];
                            }[];
                            removed: {
                                scope: string;
                                action: string;
                                rule: string;
                            }[];
                        }[];
                        restored: {
                            identity: string;
                            /** @enum {string} */
                            status: "active" | "suspended" | "revoked" | "decommissioned";
                            to: {
                                scope: string;
                                actions: string[];
                            }[];
                        }[];
                        untouched: {
                            identity: string;
                            /** @enum {string} */
                            status: "active" | "suspended" | "revoked" | "decommissioned";
                            why: string;
                        }[];
                        connector_actions: {
                            identity: string;
                            /** @enum {string} */
                            action: "disable" | "enable";
                            connector: string | null;
                            target: string | null;
                        }[];
                        /** @description return-path actions that stay lawful in the moved scopes, and by how many identities */
                        return_paths: {
                            scope: string;
                            action: string;
                            identities: number;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    proposeTransition: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    to: "applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed";
                    reason: string;
                    /** @description the supervisor's decision */
                    reference: string;
                    /** @description ISO 8601 date or date-time with zone */
                    effective_at?: string;
                    /** @description ISO 8601 date or date-time with zone */
                    deadline?: string;
                    /** @description for restricted: what the conditions forbid */
                    denied_actions?: string[];
                    /** @description more authorisations moved by the same decision */
                    also?: string[];
                    /** @description apply now on the caller’s sole approval; opens a mandatory review */
                    emergency?: boolean;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @description the authorisations it moves (empty for a product transition) */
                        authorisations: string[];
                        /** @description the products it moves (CRA; empty for a transition of authorisations) */
                        products: string[];
                        /** @enum {string} */
                        to: "applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed" | "in_development" | "assessed" | "on_market" | "support_ended" | "recalled";
                        reason: string;
                        reference: string;
                        effective_at: string;
                        deadline: string | null;
                        denied_actions: string[];
                        emergency: boolean;
                        proposer: string;
                        /** @enum {string} */
                        status: "pending" | "approved" | "rejected" | "applied" | "expired" | "superseded";
                        decided_by: string | null;
                        decided_at: string | null;
                        decision_reason: string | null;
                        applied_at: string | null;
                        /** @description what applying it did (null until applied) */
                        result: unknown;
                        review: {
                            status: string;
                            by: string | null;
                            notes: string | null;
                        } | null;
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    previewProductImpact: {
        parameters: {
            query: {
                to: "in_development" | "assessed" | "on_market" | "support_ended" | "withdrawn" | "recalled";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        moved: {
                            id: string;
                            /** @enum {string} */
                            from: "applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed" | "in_development" | "assessed" | "on_market" | "support_ended" | "recalled";
                            /** @enum {string} */
                            to: "applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed" | "in_development" | "assessed" | "on_market" | "support_ended" | "recalled";
                            via: string | null;
                        }[];
                        /** @description the lifecycle rules version the preview used: the CRA product rules for a product transition, else the MiCA rules */
                        rules_version: number;
                        counts: {
                            suspend: number;
                            narrow: number;
                            restore: number;
                            unchanged: number;
                        };
                        suspended: {
                            identity: string;
                            why: string;
                            removed: {
                                scope: string;
                                action: string;
                                rule: string;
                            }[];
                        }[];
                        narrowed: {
                            identity: string;
                            from: string[];
                            to: {
                                scope: string;
                                actions: string[];
                            }[];
                            removed: {
                                scope: string;
                                action: string;
                                rule: string;
                            }[];
                        }[];
                        restored: {
                            identity: string;
                            /** @enum {string} */
                            status: "active" | "suspended" | "revoked" | "decommissioned";
                            to: {
                                scope: string;
                                actions: string[];
                            }[];
                        }[];
                        untouched: {
                            identity: string;
                            /** @enum {string} */
                            status: "active" | "suspended" | "revoked" | "decommissioned";
                            why: string;
                        }[];
                        connector_actions: {
                            identity: string;
                            /** @enum {string} */
                            action: "disable" | "enable";
                            connector: string | null;
                            target: string | null;
                        }[];
                        /** @description return-path actions that stay lawful in the moved scopes, and by how many identities */
                        return_paths: {
                            scope: string;
                            action: string;
                            identities: number;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    proposeProductTransition: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    to: "in_development" | "assessed" | "on_market" | "support_ended" | "withdrawn" | "recalled";
                    reason: string;
                    /** @description the decision behind it: a market surveillance measure, a corrective action, a DoC, a support-period notice */
                    reference: string;
                    /** @description ISO 8601 date or date-time with zone */
                    effective_at?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @description the authorisations it moves (empty for a product transition) */
                        authorisations: string[];
                        /** @description the products it moves (CRA; empty for a transition of authorisations) */
                        products: string[];
                        /** @enum {string} */
                        to: "applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed" | "in_development" | "assessed" | "on_market" | "support_ended" | "recalled";
                        reason: string;
                        reference: string;
                        effective_at: string;
                        deadline: string | null;
                        denied_actions: string[];
                        emergency: boolean;
                        proposer: string;
                        /** @enum {string} */
                        status: "pending" | "approved" | "rejected" | "applied" | "expired" | "superseded";
                        decided_by: string | null;
                        decided_at: string | null;
                        decision_reason: string | null;
                        applied_at: string | null;
                        /** @description what applying it did (null until applied) */
                        result: unknown;
                        review: {
                            status: string;
                            by: string | null;
                            notes: string | null;
                        } | null;
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listTransitions: {
        parameters: {
            query?: {
                status?: "pending" | "approved" | "rejected" | "applied" | "expired" | "superseded";
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            /** @description the authorisations it moves (empty for a product transition) */
                            authorisations: string[];
                            /** @description the products it moves (CRA; empty for a transition of authorisations) */
                            products: string[];
                            /** @enum {string} */
                            to: "applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed" | "in_development" | "assessed" | "on_market" | "support_ended" | "recalled";
                            reason: string;
                            reference: string;
                            effective_at: string;
                            deadline: string | null;
                            denied_actions: string[];
                            emergency: boolean;
                            proposer: string;
                            /** @enum {string} */
                            status: "pending" | "approved" | "rejected" | "applied" | "expired" | "superseded";
                            decided_by: string | null;
                            decided_at: string | null;
                            decision_reason: string | null;
                            applied_at: string | null;
                            /** @description what applying it did (null until applied) */
                            result: unknown;
                            review: {
                                status: string;
                                by: string | null;
                                notes: string | null;
                            } | null;
                            created_at: string;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getTransition: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @description the authorisations it moves (empty for a product transition) */
                        authorisations: string[];
                        /** @description the products it moves (CRA; empty for a transition of authorisations) */
                        products: string[];
                        /** @enum {string} */
                        to: "applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed" | "in_development" | "assessed" | "on_market" | "support_ended" | "recalled";
                        reason: string;
                        reference: string;
                        effective_at: string;
                        deadline: string | null;
                        denied_actions: string[];
                        emergency: boolean;
                        proposer: string;
                        /** @enum {string} */
                        status: "pending" | "approved" | "rejected" | "applied" | "expired" | "superseded";
                        decided_by: string | null;
                        decided_at: string | null;
                        decision_reason: string | null;
                        applied_at: string | null;
                        /** @description what applying it did (null until applied) */
                        result: unknown;
                        review: {
                            status: string;
                            by: string | null;
                            notes: string | null;
                        } | null;
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    approveTransition: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @description the authorisations it moves (empty for a product transition) */
                        authorisations: string[];
                        /** @description the products it moves (CRA; empty for a transition of authorisations) */
                        products: string[];
                        /** @enum {string} */
                        to: "applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed" | "in_development" | "assessed" | "on_market" | "support_ended" | "recalled";
                        reason: string;
                        reference: string;
                        effective_at: string;
                        deadline: string | null;
                        denied_actions: string[];
                        emergency: boolean;
                        proposer: string;
                        /** @enum {string} */
                        status: "pending" | "approved" | "rejected" | "applied" | "expired" | "superseded";
                        decided_by: string | null;
                        decided_at: string | null;
                        decision_reason: string | null;
                        applied_at: string | null;
                        /** @description what applying it did (null until applied) */
                        result: unknown;
                        review: {
                            status: string;
                            by: string | null;
                            notes: string | null;
                        } | null;
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    rejectTransition: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @description the authorisations it moves (empty for a product transition) */
                        authorisations: string[];
                        /** @description the products it moves (CRA; empty for a transition of authorisations) */
                        products: string[];
                        /** @enum {string} */
                        to: "applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed" | "in_development" | "assessed" | "on_market" | "support_ended" | "recalled";
                        reason: string;
                        reference: string;
                        effective_at: string;
                        deadline: string | null;
                        denied_actions: string[];
                        emergency: boolean;
                        proposer: string;
                        /** @enum {string} */
                        status: "pending" | "approved" | "rejected" | "applied" | "expired" | "superseded";
                        decided_by: string | null;
                        decided_at: string | null;
                        decision_reason: string | null;
                        applied_at: string | null;
                        /** @description what applying it did (null until applied) */
                        result: unknown;
                        review: {
                            status: string;
                            by: string | null;
                            notes: string | null;
                        } | null;
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    reviewTransition: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    notes: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @description the authorisations it moves (empty for a product transition) */
                        authorisations: string[];
                        /** @description the products it moves (CRA; empty for a transition of authorisations) */
                        products: string[];
                        /** @enum {string} */
                        to: "applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed" | "in_development" | "assessed" | "on_market" | "support_ended" | "recalled";
                        reason: string;
                        reference: string;
                        effective_at: string;
                        deadline: string | null;
                        denied_actions: string[];
                        emergency: boolean;
                        proposer: string;
                        /** @enum {string} */
                        status: "pending" | "approved" | "rejected" | "applied" | "expired" | "superseded";
                        decided_by: string | null;
                        decided_at: string | null;
                        decision_reason: string | null;
                        applied_at: string | null;
                        /** @description what applying it did (null until applied) */
                        result: unknown;
                        review: {
                            status: string;
                            by: string | null;
                            notes: string | null;
                        } | null;
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getLifecycleRules: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description 0: the shipped default */
                        version: number;
                        /** Mandate lifecycle rules */
                        rules: {
                            /** @enum {number} */
                            version: 1;
                            id: string;
                            description: string;
                            table: {
                                applied: {
                                    /** @enum {string} */
                                    observe: "allow" | "deny" | "conditions";
                                    /** @enum {string} */
                                    new_business: "allow" | "deny" | "conditions";
                                    /** @enum {string} */
                                    return_path: "allow" | "deny" | "conditions";
                                };
                                authorised: {
                                    /** @enum {string} */
                                    observe: "allow" | "deny" | "conditions";
                                    /** @enum {string} */
                                    new_business: "allow" | "deny" | "conditions";
                                    /** @enum {string} */
                                    return_path: "allow" | "deny" | "conditions";
                                };
                                restricted: {
                                    /** @enum {string} */
                                    observe: "allow" | "deny" | "conditions";
                                    /** @enum {string} */
                                    new_business: "allow" | "deny" | "conditions";
                                    /** @enum {string} */
                                    return_path: "allow" | "deny" | "conditions";
                                };
                                suspended: {
                                    /** @enum {string} */
                                    observe: "allow" | "deny" | "conditions";
                                    /** @enum {string} */
                                    new_business: "allow" | "deny" | "conditions";
                                    /** @enum {string} */
                                    return_path: "allow" | "deny" | "conditions";
                                };
                                withdrawn: {
                                    /** @enum {string} */
                                    observe: "allow" | "deny" | "conditions";
                                    /** @enum {string} */
                                    new_business: "allow" | "deny" | "conditions";
                                    /** @enum {string} */
                                    return_path: "allow" | "deny" | "conditions";
                                };
                                wind_down: {
                                    /** @enum {string} */
                                    observe: "allow" | "deny" | "conditions";
                                    /** @enum {string} */
                                    new_business: "allow" | "deny" | "conditions";
                                    /** @enum {string} */
                                    return_path: "allow" | "deny" | "conditions";
                                };
                                closed: {
                                    /** @enum {string} */
                                    observe: "allow" | "deny" | "conditions";
                                    /** @enum {string} */
                                    new_business: "allow" | "deny" | "conditions";
                                    /** @enum {string} */
                                    return_path: "allow" | "deny" | "conditions";
                                };
                                none: {
                                    /** @enum {string} */
                                    observe: "allow" | "deny" | "conditions";
                                    /** @enum {string} */
                                    new_business: "allow" | "deny" | "conditions";
                                    /** @enum {string} */
                                    return_path: "allow" | "deny" | "conditions";
                                };
                            };
                            rules: {
                                id: string;
                                description: string;
                                when: {
                                    status?: ("applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed" | "none")[];
                                    service?: ("custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer")[];
                                    service_not?: ("custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer")[];
                                    jurisdiction?: ("AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO")[];
                                    entity?: string[];
                                    function?: ("custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security")[];
                                    kind?: ("service_account" | "api_key" | "workload" | "signing_key" | "pipeline" | "wallet_integration" | "ai_agent")[];
                                    capability?: ("observe" | "execute")[];
                                    environment?: ("production" | "staging" | "development")[];
                                    action_class?: ("observe" | "new_business" | "return_path")[];
                                    actions?: string[];
                                    /** @description true: only vendor identities; false: only the firm’s own */
                                    vendor?: boolean;
                                    break_glass?: boolean;
                                };
                                /** @enum {string} */
                                effect: "allow" | "deny";
                            }[];
                        };
                        actor: string;
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    requestLifecycleRulesChange: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    rules: unknown;
                };
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        kind: "policy_change" | "lifecycle_rules_change";
                        requester: string;
                        /** @enum {string} */
                        status: "pending" | "applied" | "rejected" | "expired" | "cancelled";
                        /** @description the version the change was based on; it is published only on top of it */
                        base_version: number;
                        /** @description the policy text, or the rules document (MiCA, or products under the CRA with regime cra) */
                        change: {
                            text: string;
                        } | {
                            /** Mandate lifecycle rules */
                            rules: {
                                /** @enum {number} */
                                version: 1;
                                id: string;
                                description: string;
                                table: {
                                    applied: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                    authorised: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                    restricted: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                    suspended: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                    withdrawn: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                    wind_down: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                    closed: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                    none: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                };
                                rules: {
                                    id: string;
                                    description: string;
                                    when: {
                                        status?: ("applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed" | "none")[];
                                        service?: ("custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer")[];
                                        service_not?: ("custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer")[];
                                        jurisdiction?: ("AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO")[];
                                        entity?: string[];
                                        function?: ("custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security")[];
                                        kind?: ("service_account" | "api_key" | "workload" | "signing_key" | "pipeline" | "wallet_integration" | "ai_agent")[];
                                        capability?: ("observe" | "execute")[];
                                        environment?: ("production" | "staging" | "development")[];
                                        action_class?: ("observe" | "new_business" | "return_path")[];
                                        actions?: string[];
                                        /** @description true: only vendor identities; false: only the firm’s own */
                                        vendor?: boolean;
                                        break_glass?: boolean;
                                    };
                                    /** @enum {string} */
                                    effect: "allow" | "deny";
                                }[];
                            };
                        } | {
                            /** Mandate product lifecycle rules (CRA) */
                            rules: {
                                /** @enum {number} */
                                version: 1;
                                /** @enum {string} */
                                regime: "cra";
                                id: string;
                                description: string;
                                table: {
                                    in_development: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny";
                                    };
                                    assessed: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny";
                                    };
                                    on_market: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny";
                                    };
                                    support_ended: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny";
                                    };
                                    withdrawn: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny";
                                    };
                                    recalled: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny";
                                    };
                                    none: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny";
                                    };
                                };
                                rules: {
                                    id: string;
                                    description: string;
                                    when: {
                                        status?: ("in_development" | "assessed" | "on_market" | "support_ended" | "withdrawn" | "recalled" | "none")[];
                                        product?: string[];
                                        category?: ("default" | "important_class_i" | "important_class_ii" | "critical")[];
                                        channel?: string[];
                                        /** @description true: only while an actively exploited vulnerability of the product is open (CRA Art. 14) */
                                        exploited_vulnerability?: boolean;
                                        function?: ("custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security")[];
                                        kind?: ("service_account" | "api_key" | "workload" | "signing_key" | "pipeline" | "wallet_integration" | "ai_agent")[];
                                        capability?: ("observe" | "execute")[];
                                        environment?: ("production" | "staging" | "development")[];
                                        action_class?: ("observe" | "new_business" | "return_path")[];
                                        actions?: string[];
                                        vendor?: boolean;
                                        break_glass?: boolean;
                                    };
                                    /** @enum {string} */
                                    effect: "allow" | "deny" | "approval";
                                }[];
                            };
                            /** @enum {string} */
                            regime: "cra";
                        };
                        result: {
                            version: number;
                        } | null;
                        /** Approval */
                        approval?: {
                            id: string;
                            /** @enum {string} */
                            kind: "transition" | "policy_change" | "lifecycle_rules_change" | "access" | "exception" | "break_glass" | "identity_change";
                            subject: {
                                type: string;
                                id: string;
                            };
                            requester: string;
                            owner: string | null;
                            summary: string;
                            /** @description what the request is about, by kind */
                            detail: {
                                [key: string]: unknown;
                            };
                            /** @description the approval rule that decides it */
                            rule: string;
                            /** @description approvals needed */
                            required: number;
                            roles: ("viewer" | "operator" | "compliance_officer" | "approver" | "admin" | "enforcer" | "monitor" | "ssf_receiver")[];
                            /** @enum {string} */
                            status: "pending" | "approved" | "rejected" | "expired" | "cancelled";
                            votes: {
                                voter: string;
                                /** @enum {string} */
                                decision: "approve" | "reject";
                                reason: string | null;
                                at: string;
                            }[];
                            created_at: string;
                            expires_at: string;
                            decided_at: string | null;
                            outcome: string | null;
                            /** @description set when the request was decided on an emergency path (a break-glass unseal, an emergency transition): approved with no vote, so nobody approved it; null for a request decided by votes */
                            emergency: {
                                /**
                                 * @description the post-incident review it owes: open until someone other than who took the path closes it
                                 * @enum {string}
                                 */
                                review: "open" | "done" | "none";
                                reviewed_by: string | null;
                                reviewed_at: string | null;
                            } | null;
                        };
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getProductLifecycleRules: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description 0: the shipped default (policies/lifecycle/cra-default.yaml) */
                        version: number;
                        /** Mandate product lifecycle rules (CRA) */
                        rules: {
                            /** @enum {number} */
                            version: 1;
                            /** @enum {string} */
                            regime: "cra";
                            id: string;
                            description: string;
                            table: {
                                in_development: {
                                    /** @enum {string} */
                                    observe: "allow" | "deny";
                                    /** @enum {string} */
                                    new_business: "allow" | "deny";
                                    /** @enum {string} */
                                    return_path: "allow" | "deny";
                                };
                                assessed: {
                                    /** @enum {string} */
                                    observe: "allow" | "deny";
                                    /** @enum {string} */
                                    new_business: "allow" | "deny";
                                    /** @enum {string} */
                                    return_path: "allow" | "deny";
                                };
                                on_market: {
                                    /** @enum {string} */
                                    observe: "allow" | "deny";
                                    /** @enum {string} */
                                    new_business: "allow" | "deny";
                                    /** @enum {string} */
                                    return_path: "allow" | "deny";
                                };
                                support_ended: {
                                    /** @enum {string} */
                                    observe: "allow" | "deny";
                                    /** @enum {string} */
                                    new_business: "allow" | "deny";
                                    /** @enum {string} */
                                    return_path: "allow" | "deny";
                                };
                                withdrawn: {
                                    /** @enum {string} */
                                    observe: "allow" | "deny";
                                    /** @enum {string} */
                                    new_business: "allow" | "deny";
                                    /** @enum {string} */
                                    return_path: "allow" | "deny";
                                };
                                recalled: {
                                    /** @enum {string} */
                                    observe: "allow" | "deny";
                                    /** @enum {string} */
                                    new_business: "allow" | "deny";
                                    /** @enum {string} */
                                    return_path: "allow" | "deny";
                                };
                                none: {
                                    /** @enum {string} */
                                    observe: "allow" | "deny";
                                    /** @enum {string} */
                                    new_business: "allow" | "deny";
                                    /** @enum {string} */
                                    return_path: "allow" | "deny";
                                };
                            };
                            rules: {
                                id: string;
                                description: string;
                                when: {
                                    status?: ("in_development" | "assessed" | "on_market" | "support_ended" | "withdrawn" | "recalled" | "none")[];
                                    product?: string[];
                                    category?: ("default" | "important_class_i" | "important_class_ii" | "critical")[];
                                    channel?: string[];
                                    /** @description true: only while an actively exploited vulnerability of the product is open (CRA Art. 14) */
                                    exploited_vulnerability?: boolean;
                                    function?: ("custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security")[];
                                    kind?: ("service_account" | "api_key" | "workload" | "signing_key" | "pipeline" | "wallet_integration" | "ai_agent")[];
                                    capability?: ("observe" | "execute")[];
                                    environment?: ("production" | "staging" | "development")[];
                                    action_class?: ("observe" | "new_business" | "return_path")[];
                                    actions?: string[];
                                    vendor?: boolean;
                                    break_glass?: boolean;
                                };
                                /** @enum {string} */
                                effect: "allow" | "deny" | "approval";
                            }[];
                        };
                        actor: string;
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    testLifecycleRules: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    rules?: unknown;
                    tests: unknown;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        passed: number;
                        failed: number;
                        results: {
                            name: string;
                            passed: boolean;
                            /** @enum {string} */
                            outcome: "keep" | "narrow" | "suspend";
                            failures: string[];
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listCraReports: {
        parameters: {
            query?: {
                product?: string;
                status?: "open" | "closed";
                /** @description at most this many, newest awareness first (default 100) */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            product: string;
                            /** @enum {string} */
                            kind: "exploited_vulnerability" | "severe_incident";
                            /** @enum {string} */
                            status: "open" | "closed";
                            title: string;
                            description: string | null;
                            aware_at: string;
                            owner: string;
                            opened_by: string;
                            milestones: {
                                /** @enum {string} */
                                milestone: "early_warning" | "notification" | "corrective_measure" | "final_report";
                                by: string;
                                at: string;
                                reference: string;
                                recorded_at: string;
                            }[];
                            deadlines: {
                                /** @enum {string} */
                                milestone: "early_warning" | "notification" | "final_report";
                                /** @description the CRA provision it rests on */
                                article: string;
                                due_at: string | null;
                                submitted_at: string | null;
                                /** @enum {string} */
                                state: "waiting" | "pending" | "met" | "missed" | "not_required";
                            }[];
                            /** @description the deadlines missed so far */
                            missed: string[];
                            closed: {
                                by: string;
                                at: string;
                                reason: string;
                            } | null;
                            revocations: {
                                by: string;
                                at: string;
                                reason: string;
                                identities: number;
                            }[];
                            version: number;
                            created_at: string;
                            updated_at: string;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    openCraReport: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    product: string;
                    /**
                     * @description an actively exploited vulnerability (Art. 14(1)) or a severe incident (Art. 14(3))
                     * @enum {string}
                     */
                    kind: "exploited_vulnerability" | "severe_incident";
                    title: string;
                    description?: string;
                    /** @description when the manufacturer became aware of it: the clock runs from here */
                    aware_at: string;
                    /** @description the person accountable for the reports (one of the firm’s people) */
                    owner: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        product: string;
                        /** @enum {string} */
                        kind: "exploited_vulnerability" | "severe_incident";
                        /** @enum {string} */
                        status: "open" | "closed";
                        title: string;
                        description: string | null;
                        aware_at: string;
                        owner: string;
                        opened_by: string;
                        milestones: {
                            /** @enum {string} */
                            milestone: "early_warning" | "notification" | "corrective_measure" | "final_report";
                            by: string;
                            at: string;
                            reference: string;
                            recorded_at: string;
                        }[];
                        deadlines: {
                            /** @enum {string} */
                            milestone: "early_warning" | "notification" | "final_report";
                            /** @description the CRA provision it rests on */
                            article: string;
                            due_at: string | null;
                            submitted_at: string | null;
                            /** @enum {string} */
                            state: "waiting" | "pending" | "met" | "missed" | "not_required";
                        }[];
                        /** @description the deadlines missed so far */
                        missed: string[];
                        closed: {
                            by: string;
                            at: string;
                            reason: string;
                        } | null;
                        revocations: {
                            by: string;
                            at: string;
                            reason: string;
                            identities: number;
                        }[];
                        version: number;
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getCraReport: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        product: string;
                        /** @enum {string} */
                        kind: "exploited_vulnerability" | "severe_incident";
                        /** @enum {string} */
                        status: "open" | "closed";
                        title: string;
                        description: string | null;
                        aware_at: string;
                        owner: string;
                        opened_by: string;
                        milestones: {
                            /** @enum {string} */
                            milestone: "early_warning" | "notification" | "corrective_measure" | "final_report";
                            by: string;
                            at: string;
                            reference: string;
                            recorded_at: string;
                        }[];
                        deadlines: {
                            /** @enum {string} */
                            milestone: "early_warning" | "notification" | "final_report";
                            /** @description the CRA provision it rests on */
                            article: string;
                            due_at: string | null;
                            submitted_at: string | null;
                            /** @enum {string} */
                            state: "waiting" | "pending" | "met" | "missed" | "not_required";
                        }[];
                        /** @description the deadlines missed so far */
                        missed: string[];
                        closed: {
                            by: string;
                            at: string;
                            reason: string;
                        } | null;
                        revocations: {
                            by: string;
                            at: string;
                            reason: string;
                            identities: number;
                        }[];
                        version: number;
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    recordCraMilestone: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    milestone: "early_warning" | "notification" | "corrective_measure" | "final_report";
                    /** @description when it was submitted or became available (default: now) */
                    at?: string;
                    /** @description the reference of what was submitted or made available */
                    reference: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        product: string;
                        /** @enum {string} */
                        kind: "exploited_vulnerability" | "severe_incident";
                        /** @enum {string} */
                        status: "open" | "closed";
                        title: string;
                        description: string | null;
                        aware_at: string;
                        owner: string;
                        opened_by: string;
                        milestones: {
                            /** @enum {string} */
                            milestone: "early_warning" | "notification" | "corrective_measure" | "final_report";
                            by: string;
                            at: string;
                            reference: string;
                            recorded_at: string;
                        }[];
                        deadlines: {
                            /** @enum {string} */
                            milestone: "early_warning" | "notification" | "final_report";
                            /** @description the CRA provision it rests on */
                            article: string;
                            due_at: string | null;
                            submitted_at: string | null;
                            /** @enum {string} */
                            state: "waiting" | "pending" | "met" | "missed" | "not_required";
                        }[];
                        /** @description the deadlines missed so far */
                        missed: string[];
                        closed: {
                            by: string;
                            at: string;
                            reason: string;
                        } | null;
                        revocations: {
                            by: string;
                            at: string;
                            reason: string;
                            identities: number;
                        }[];
                        version: number;
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    closeCraReport: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        product: string;
                        /** @enum {string} */
                        kind: "exploited_vulnerability" | "severe_incident";
                        /** @enum {string} */
                        status: "open" | "closed";
                        title: string;
                        description: string | null;
                        aware_at: string;
                        owner: string;
                        opened_by: string;
                        milestones: {
                            /** @enum {string} */
                            milestone: "early_warning" | "notification" | "corrective_measure" | "final_report";
                            by: string;
                            at: string;
                            reference: string;
                            recorded_at: string;
                        }[];
                        deadlines: {
                            /** @enum {string} */
                            milestone: "early_warning" | "notification" | "final_report";
                            /** @description the CRA provision it rests on */
                            article: string;
                            due_at: string | null;
                            submitted_at: string | null;
                            /** @enum {string} */
                            state: "waiting" | "pending" | "met" | "missed" | "not_required";
                        }[];
                        /** @description the deadlines missed so far */
                        missed: string[];
                        closed: {
                            by: string;
                            at: string;
                            reason: string;
                        } | null;
                        revocations: {
                            by: string;
                            at: string;
                            reason: string;
                            identities: number;
                        }[];
                        version: number;
                        created_at: string;
                        updated_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getCraBlastRadius: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        report: string;
                        product: string;
                        /** @description one entry per product scope of an identity */
                        identities: {
                            identity: string;
                            kind: string;
                            function: string;
                            capability: string;
                            status: string;
                            channel: string | null;
                            actions: string[];
                            owner: string | null;
                            vendor: string | null;
                        }[];
                        counts: {
                            identities: number;
                            by_status: {
                                [key: string]: number;
                            };
                            by_capability: {
                                [key: string]: number;
                            };
                            by_function: {
                                [key: string]: number;
                            };
                        };
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    revokeCraProductTokens: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        report: string;
                        product: string;
                        revoked_at: string;
                        identities: {
                            identity: string;
                            generation: number;
                        }[];
                        count: number;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listOutbox: {
        parameters: {
            query?: {
                status?: "pending" | "in_flight" | "delivered" | "failed" | "manual" | "held" | "dropped";
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description deliveries by status */
                        counts: {
                            [key: string]: number;
                        };
                        items: ({
                            id: string;
                            created_at: string;
                            channel: string;
                            /** @enum {string} */
                            action: "disable" | "enable" | "notify";
                            target: string;
                            identity_id: string;
                            transition_id: string | null;
                            reason: string;
                            /** @enum {string} */
                            status: "pending" | "in_flight" | "delivered" | "failed" | "manual" | "held" | "dropped";
                            attempts: number;
                            next_attempt_at: string;
                            last_error: string | null;
                            delivered_at: string | null;
                            detail: string | null;
                            payload: string | null;
                            verified_at?: string | null;
                        } & {
                            [key: string]: unknown;
                        })[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    retryOutboxDelivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        created_at: string;
                        channel: string;
                        /** @enum {string} */
                        action: "disable" | "enable" | "notify";
                        target: string;
                        identity_id: string;
                        transition_id: string | null;
                        reason: string;
                        /** @enum {string} */
                        status: "pending" | "in_flight" | "delivered" | "failed" | "manual" | "held" | "dropped";
                        attempts: number;
                        next_attempt_at: string;
                        last_error: string | null;
                        delivered_at: string | null;
                        detail: string | null;
                        payload: string | null;
                        verified_at?: string | null;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listIdentitiesAsOf: {
        parameters: {
            query: {
                /** @description ISO 8601 date or date-time with zone */
                at: string;
                can: string;
                entity?: string;
                /** @description MiCA crypto-asset service id */
                service?: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                /** @description ISO 3166-1 alpha-2 code of an EU/EEA member state */
                jurisdiction?: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                max_proofs?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        at: string;
                        as_of_seq: number;
                        question: {
                            action: string;
                            entity: string | null;
                            service: string | null;
                            jurisdiction: string | null;
                        };
                        rules: {
                            version_seq: number | null;
                            id: string;
                        };
                        identities: {
                            [key: string]: unknown;
                        }[];
                        evidence: {
                            checkpoint: {
                                size: number;
                                note: string;
                            };
                            cited_events: number;
                            proofs: {
                                seq: number;
                                leaf_index: number;
                                tree_size: number;
                                leaf_hash: string;
                                root: string;
                                proof: string[];
                            }[];
                            proofs_omitted: number;
                        };
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getLedgerCheckpoint: {
        parameters: {
            query?: {
                fresh?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        size: number;
                        root: string;
                        /** @description the signed note (C2SP tlog-checkpoint) */
                        note: string;
                        created_at: string;
                        verifier_key: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    createLedgerCheckpoint: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        size: number;
                        root: string;
                        /** @description the signed note (C2SP tlog-checkpoint) */
                        note: string;
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getLedgerKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        verifier_key: string;
                    };
                };
            };
            /** @description Too many requests from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "5XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listLedgerKeyRotations: {
        parameters: {
            query?: {
                size?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** @description the ledger.key_rotated event as its leaf text (the bytes hashed) */
                            leaf: string;
                            leaf_hash: string;
                            /** @description the old key's signed checkpoint that covers the event */
                            checkpoint: string;
                            /** @description the event's inclusion proof in that checkpoint (hex) */
                            proof: string[];
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getInclusionProof: {
        parameters: {
            query: {
                seq: number;
                size?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        seq: number;
                        leaf_index: number;
                        tree_size: number;
                        leaf_hash: string;
                        root: string;
                        proof: string[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getConsistencyProof: {
        parameters: {
            query: {
                from: number;
                to?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        from: number;
                        to: number;
                        first_root: string;
                        second_root: string;
                        proof: string[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    exportLedger: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a header line, every event with its leaf hash, then every signed checkpoint */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": string;
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** @description key id: a JWK kid (mk_…, set_…), a ledger key id (lk_…), the KEK fingerprint’s first 16 hex digits */
                            kid: string;
                            /** @enum {string} */
                            purpose: "token" | "set" | "ledger" | "kek";
                            /** Format: date-time */
                            created_at: string;
                            /** @description when a rotation replaced it (a retired token or SET key stays published for a token lifetime); null: current */
                            retired_at: string | null;
                            /** @description the public JWK (token, set), the C2SP verifier key (ledger), or the KEK fingerprint (HMAC-SHA256 under it of a fixed label) */
                            public_key: unknown;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    rotateKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                purpose: "token" | "set" | "ledger" | "kek";
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason?: string;
                    /** @description ledger only: the new key is named so, which changes the log's origin (then set MANDATE_LEDGER_ORIGIN) */
                    origin?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        purpose: "token" | "set" | "ledger";
                        /** @description the new key */
                        kid: string;
                        /** @description its public JWK, or its C2SP verifier key */
                        public_key: unknown;
                        /** @description ledger: the retired verifier key */
                        from?: string;
                        /** @description ledger: the ledger.key_rotated event */
                        seq?: number;
                        /** @description ledger: the checkpoint by the old key that covers the rotation event */
                        checkpoint?: {
                            size: number;
                            root: string;
                            note: string;
                            created_at: string;
                        };
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    exchangeToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": {
                    grant_type: string;
                    subject_token?: string;
                    subject_token_type?: string;
                    requested_token_type?: string;
                    assertion?: string;
                    client_id?: string;
                    client_secret?: string;
                    client_assertion?: string;
                    client_assertion_type?: string;
                    audience?: string;
                    resource?: string;
                    scope?: string;
                    identity?: string;
                    purpose?: string;
                    environment?: "production" | "staging" | "development";
                };
                "application/json": {
                    grant_type: string;
                    subject_token?: string;
                    subject_token_type?: string;
                    requested_token_type?: string;
                    assertion?: string;
                    client_id?: string;
                    client_secret?: string;
                    client_assertion?: string;
                    client_assertion_type?: string;
                    audience?: string;
                    resource?: string;
                    scope?: string;
                    identity?: string;
                    purpose?: string;
                    environment?: "production" | "staging" | "development";
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        access_token: string;
                        issued_token_type: string;
                        token_type: string;
                        expires_in: number;
                        scope: string;
                    };
                };
            };
            /** @description RFC 6749 §5.2 error response (application/json) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description the RFC 6749 / 6750 error code: invalid_request, invalid_client, invalid_grant, unsupported_grant_type, insufficient_scope, server_error… */
                        error: string;
                        error_description: string;
                        /** @description Mandate’s stable error code (as in problem details) */
                        code: string;
                        field?: string;
                    };
                };
            };
            /** @description RFC 6749 §5.2 error response (application/json) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description the RFC 6749 / 6750 error code: invalid_request, invalid_client, invalid_grant, unsupported_grant_type, insufficient_scope, server_error… */
                        error: string;
                        error_description: string;
                        /** @description Mandate’s stable error code (as in problem details) */
                        code: string;
                        field?: string;
                    };
                };
            };
            /** @description RFC 6749 §5.2 error response (application/json) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description the RFC 6749 / 6750 error code: invalid_request, invalid_client, invalid_grant, unsupported_grant_type, insufficient_scope, server_error… */
                        error: string;
                        error_description: string;
                        /** @description Mandate’s stable error code (as in problem details) */
                        code: string;
                        field?: string;
                    };
                };
            };
            /** @description RFC 6749 §5.2 error response (application/json) */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description the RFC 6749 / 6750 error code: invalid_request, invalid_client, invalid_grant, unsupported_grant_type, insufficient_scope, server_error… */
                        error: string;
                        error_description: string;
                        /** @description Mandate’s stable error code (as in problem details) */
                        code: string;
                        field?: string;
                    };
                };
            };
            /** @description RFC 6749 §5.2 error response (application/json) */
            "5XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description the RFC 6749 / 6750 error code: invalid_request, invalid_client, invalid_grant, unsupported_grant_type, insufficient_scope, server_error… */
                        error: string;
                        error_description: string;
                        /** @description Mandate’s stable error code (as in problem details) */
                        code: string;
                        field?: string;
                    };
                };
            };
        };
    };
    introspectToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": {
                    token: string;
                    token_type_hint?: string;
                    client_id?: string;
                    client_secret?: string;
                    client_assertion?: string;
                    client_assertion_type?: string;
                };
                "application/json": {
                    token: string;
                    token_type_hint?: string;
                    client_id?: string;
                    client_secret?: string;
                    client_assertion?: string;
                    client_assertion_type?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        active: boolean;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description RFC 6749 §5.2 error response (application/json) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description the RFC 6749 / 6750 error code: invalid_request, invalid_client, invalid_grant, unsupported_grant_type, insufficient_scope, server_error… */
                        error: string;
                        error_description: string;
                        /** @description Mandate’s stable error code (as in problem details) */
                        code: string;
                        field?: string;
                    };
                };
            };
            /** @description RFC 6749 §5.2 error response (application/json) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description the RFC 6749 / 6750 error code: invalid_request, invalid_client, invalid_grant, unsupported_grant_type, insufficient_scope, server_error… */
                        error: string;
                        error_description: string;
                        /** @description Mandate’s stable error code (as in problem details) */
                        code: string;
                        field?: string;
                    };
                };
            };
            /** @description RFC 6749 §5.2 error response (application/json) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description the RFC 6749 / 6750 error code: invalid_request, invalid_client, invalid_grant, unsupported_grant_type, insufficient_scope, server_error… */
                        error: string;
                        error_description: string;
                        /** @description Mandate’s stable error code (as in problem details) */
                        code: string;
                        field?: string;
                    };
                };
            };
            /** @description RFC 6749 §5.2 error response (application/json) */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description the RFC 6749 / 6750 error code: invalid_request, invalid_client, invalid_grant, unsupported_grant_type, insufficient_scope, server_error… */
                        error: string;
                        error_description: string;
                        /** @description Mandate’s stable error code (as in problem details) */
                        code: string;
                        field?: string;
                    };
                };
            };
            /** @description RFC 6749 §5.2 error response (application/json) */
            "5XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description the RFC 6749 / 6750 error code: invalid_request, invalid_client, invalid_grant, unsupported_grant_type, insufficient_scope, server_error… */
                        error: string;
                        error_description: string;
                        /** @description Mandate’s stable error code (as in problem details) */
                        code: string;
                        field?: string;
                    };
                };
            };
        };
    };
    revokeToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": {
                    token: string;
                    token_type_hint?: string;
                    client_id?: string;
                    client_secret?: string;
                    client_assertion?: string;
                    client_assertion_type?: string;
                };
                "application/json": {
                    token: string;
                    token_type_hint?: string;
                    client_id?: string;
                    client_secret?: string;
                    client_assertion?: string;
                    client_assertion_type?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            /** @description RFC 6749 §5.2 error response (application/json) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description the RFC 6749 / 6750 error code: invalid_request, invalid_client, invalid_grant, unsupported_grant_type, insufficient_scope, server_error… */
                        error: string;
                        error_description: string;
                        /** @description Mandate’s stable error code (as in problem details) */
                        code: string;
                        field?: string;
                    };
                };
            };
            /** @description RFC 6749 §5.2 error response (application/json) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description the RFC 6749 / 6750 error code: invalid_request, invalid_client, invalid_grant, unsupported_grant_type, insufficient_scope, server_error… */
                        error: string;
                        error_description: string;
                        /** @description Mandate’s stable error code (as in problem details) */
                        code: string;
                        field?: string;
                    };
                };
            };
            /** @description RFC 6749 §5.2 error response (application/json) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description the RFC 6749 / 6750 error code: invalid_request, invalid_client, invalid_grant, unsupported_grant_type, insufficient_scope, server_error… */
                        error: string;
                        error_description: string;
                        /** @description Mandate’s stable error code (as in problem details) */
                        code: string;
                        field?: string;
                    };
                };
            };
            /** @description RFC 6749 §5.2 error response (application/json) */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description the RFC 6749 / 6750 error code: invalid_request, invalid_client, invalid_grant, unsupported_grant_type, insufficient_scope, server_error… */
                        error: string;
                        error_description: string;
                        /** @description Mandate’s stable error code (as in problem details) */
                        code: string;
                        field?: string;
                    };
                };
            };
            /** @description RFC 6749 §5.2 error response (application/json) */
            "5XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description the RFC 6749 / 6750 error code: invalid_request, invalid_client, invalid_grant, unsupported_grant_type, insufficient_scope, server_error… */
                        error: string;
                        error_description: string;
                        /** @description Mandate’s stable error code (as in problem details) */
                        code: string;
                        field?: string;
                    };
                };
            };
        };
    };
    getAuthorizationServerMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description RFC 8414 authorization server metadata */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        issuer: string;
                        token_endpoint: string;
                        jwks_uri: string;
                        introspection_endpoint: string;
                        revocation_endpoint: string;
                        grant_types_supported: string[];
                        response_types_supported: string[];
                        token_endpoint_auth_methods_supported: string[];
                        token_endpoint_auth_signing_alg_values_supported: string[];
                        introspection_endpoint_auth_methods_supported: string[];
                        introspection_endpoint_auth_signing_alg_values_supported: string[];
                        revocation_endpoint_auth_methods_supported: string[];
                        revocation_endpoint_auth_signing_alg_values_supported: string[];
                        /** @description Mandate extension: subject_token_type values RFC 8693 exchange accepts */
                        token_exchange_subject_token_types_supported: string[];
                        /** @description Mandate extension: requested_token_type values RFC 8693 exchange issues */
                        token_exchange_requested_token_types_supported: string[];
                    };
                };
            };
            /** @description RFC 6749 §5.2 error response (application/json) */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description the RFC 6749 / 6750 error code: invalid_request, invalid_client, invalid_grant, unsupported_grant_type, insufficient_scope, server_error… */
                        error: string;
                        error_description: string;
                        /** @description Mandate’s stable error code (as in problem details) */
                        code: string;
                        field?: string;
                    };
                };
            };
            /** @description RFC 6749 §5.2 error response (application/json) */
            "5XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description the RFC 6749 / 6750 error code: invalid_request, invalid_client, invalid_grant, unsupported_grant_type, insufficient_scope, server_error… */
                        error: string;
                        error_description: string;
                        /** @description Mandate’s stable error code (as in problem details) */
                        code: string;
                        field?: string;
                    };
                };
            };
        };
    };
    listIssuers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            /** @description the `iss` its tokens carry */
                            issuer: string;
                            /** @description the `aud` its tokens must carry for Mandate */
                            audience: string;
                            jwks_uri?: string;
                            jwks?: {
                                keys: {
                                    kty: "OKP" | "EC" | "RSA";
                                    kid?: string;
                                    alg?: string;
                                    /** @enum {string} */
                                    use?: "sig";
                                    crv?: string;
                                    x?: string;
                                    y?: string;
                                    n?: string;
                                    e?: string;
                                }[];
                            };
                            /** @description the claim naming the workload; default sub */
                            subject_claim?: string;
                            algorithms?: ("EdDSA" | "Ed25519" | "ES256" | "ES384" | "ES512" | "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512")[];
                            /** @description refuse tokens issued longer ago than this */
                            max_token_age_s?: number;
                            /** @description refuse a second exchange of a token with the same jti (CI tokens); default false */
                            one_time_use?: boolean;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    addIssuer: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id: string;
                    /** @description the `iss` its tokens carry */
                    issuer: string;
                    /** @description the `aud` its tokens must carry for Mandate */
                    audience: string;
                    jwks_uri?: string;
                    jwks?: {
                        keys: {
                            kty: "OKP" | "EC" | "RSA";
                            kid?: string;
                            alg?: string;
                            /** @enum {string} */
                            use?: "sig";
                            crv?: string;
                            x?: string;
                            y?: string;
                            n?: string;
                            e?: string;
                        }[];
                    };
                    /** @description the claim naming the workload; default sub */
                    subject_claim?: string;
                    algorithms?: ("EdDSA" | "Ed25519" | "ES256" | "ES384" | "ES512" | "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512")[];
                    /** @description refuse tokens issued longer ago than this */
                    max_token_age_s?: number;
                    /** @description refuse a second exchange of a token with the same jti (CI tokens); default false */
                    one_time_use?: boolean;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @description the `iss` its tokens carry */
                        issuer: string;
                        /** @description the `aud` its tokens must carry for Mandate */
                        audience: string;
                        jwks_uri?: string;
                        jwks?: {
                            keys: {
                                kty: "OKP" | "EC" | "RSA";
                                kid?: string;
                                alg?: string;
                                /** @enum {string} */
                                use?: "sig";
                                crv?: string;
                                x?: string;
                                y?: string;
                                n?: string;
                                e?: string;
                            }[];
                        };
                        /** @description the claim naming the workload; default sub */
                        subject_claim?: string;
                        algorithms?: ("EdDSA" | "Ed25519" | "ES256" | "ES384" | "ES512" | "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512")[];
                        /** @description refuse tokens issued longer ago than this */
                        max_token_age_s?: number;
                        /** @description refuse a second exchange of a token with the same jti (CI tokens); default false */
                        one_time_use?: boolean;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    removeIssuer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listCredentials: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            identity: string;
                            type: string;
                            issuer?: string;
                            subject?: string;
                            jwk?: {
                                [key: string]: unknown;
                            };
                            created_at: string;
                            revoked_at: string | null;
                            /** @description the static secret, in this answer only */
                            secret?: string;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    addCredential: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    type: "oidc";
                    issuer: string;
                    subject: string;
                } | {
                    /** @enum {string} */
                    type: "jwk";
                    /** @description a public JWK (RFC 7517); private members are refused */
                    jwk: {
                        kty: "OKP" | "EC" | "RSA";
                        kid?: string;
                        alg?: string;
                        /** @enum {string} */
                        use?: "sig";
                        crv?: string;
                        x?: string;
                        y?: string;
                        n?: string;
                        e?: string;
                    };
                } | {
                    /** @enum {string} */
                    type: "static_secret";
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        identity: string;
                        type: string;
                        issuer?: string;
                        subject?: string;
                        jwk?: {
                            [key: string]: unknown;
                        };
                        created_at: string;
                        revoked_at: string | null;
                        /** @description the static secret, in this answer only */
                        secret?: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    revokeCredential: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                credential: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        identity: string;
                        type: string;
                        issuer?: string;
                        subject?: string;
                        jwk?: {
                            [key: string]: unknown;
                        };
                        created_at: string;
                        revoked_at: string | null;
                        /** @description the static secret, in this answer only */
                        secret?: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    revokeIdentityTokens: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        identity: string;
                        generation: number;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getPolicies: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        version: number;
                        digest: string;
                        ids: string[];
                        actor: string;
                        created_at: string;
                        text: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    requestPolicyChange: {
        parameters: {
            query?: never;
            header?: {
                "if-match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    text: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        kind: "policy_change" | "lifecycle_rules_change";
                        requester: string;
                        /** @enum {string} */
                        status: "pending" | "applied" | "rejected" | "expired" | "cancelled";
                        /** @description the version the change was based on; it is published only on top of it */
                        base_version: number;
                        /** @description the policy text, or the rules document (MiCA, or products under the CRA with regime cra) */
                        change: {
                            text: string;
                        } | {
                            /** Mandate lifecycle rules */
                            rules: {
                                /** @enum {number} */
                                version: 1;
                                id: string;
                                description: string;
                                table: {
                                    applied: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                    authorised: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                    restricted: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                    suspended: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                    withdrawn: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                    wind_down: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                    closed: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                    none: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                };
                                rules: {
                                    id: string;
                                    description: string;
                                    when: {
                                        status?: ("applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed" | "none")[];
                                        service?: ("custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer")[];
                                        service_not?: ("custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer")[];
                                        jurisdiction?: ("AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO")[];
                                        entity?: string[];
                                        function?: ("custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security")[];
                                        kind?: ("service_account" | "api_key" | "workload" | "signing_key" | "pipeline" | "wallet_integration" | "ai_agent")[];
                                        capability?: ("observe" | "execute")[];
                                        environment?: ("production" | "staging" | "development")[];
                                        action_class?: ("observe" | "new_business" | "return_path")[];
                                        actions?: string[];
                                        /** @description true: only vendor identities; false: only the firm’s own */
                                        vendor?: boolean;
                                        break_glass?: boolean;
                                    };
                                    /** @enum {string} */
                                    effect: "allow" | "deny";
                                }[];
                            };
                        } | {
                            /** Mandate product lifecycle rules (CRA) */
                            rules: {
                                /** @enum {number} */
                                version: 1;
                                /** @enum {string} */
                                regime: "cra";
                                id: string;
                                description: string;
                                table: {
                                    in_development: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny";
                                    };
                                    assessed: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny";
                                    };
                                    on_market: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny";
                                    };
                                    support_ended: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny";
                                    };
                                    withdrawn: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny";
                                    };
                                    recalled: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny";
                                    };
                                    none: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny";
                                    };
                                };
                                rules: {
                                    id: string;
                                    description: string;
                                    when: {
                                        status?: ("in_development" | "assessed" | "on_market" | "support_ended" | "withdrawn" | "recalled" | "none")[];
                                        product?: string[];
                                        category?: ("default" | "important_class_i" | "important_class_ii" | "critical")[];
                                        channel?: string[];
                                        /** @description true: only while an actively exploited vulnerability of the product is open (CRA Art. 14) */
                                        exploited_vulnerability?: boolean;
                                        function?: ("custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security")[];
                                        kind?: ("service_account" | "api_key" | "workload" | "signing_key" | "pipeline" | "wallet_integration" | "ai_agent")[];
                                        capability?: ("observe" | "execute")[];
                                        environment?: ("production" | "staging" | "development")[];
                                        action_class?: ("observe" | "new_business" | "return_path")[];
                                        actions?: string[];
                                        vendor?: boolean;
                                        break_glass?: boolean;
                                    };
                                    /** @enum {string} */
                                    effect: "allow" | "deny" | "approval";
                                }[];
                            };
                            /** @enum {string} */
                            regime: "cra";
                        };
                        result: {
                            version: number;
                        } | null;
                        /** Approval */
                        approval?: {
                            id: string;
                            /** @enum {string} */
                            kind: "transition" | "policy_change" | "lifecycle_rules_change" | "access" | "exception" | "break_glass" | "identity_change";
                            subject: {
                                type: string;
                                id: string;
                            };
                            requester: string;
                            owner: string | null;
                            summary: string;
                            /** @description what the request is about, by kind */
                            detail: {
                                [key: string]: unknown;
                            };
                            /** @description the approval rule that decides it */
                            rule: string;
                            /** @description approvals needed */
                            required: number;
                            roles: ("viewer" | "operator" | "compliance_officer" | "approver" | "admin" | "enforcer" | "monitor" | "ssf_receiver")[];
                            /** @enum {string} */
                            status: "pending" | "approved" | "rejected" | "expired" | "cancelled";
                            votes: {
                                voter: string;
                                /** @enum {string} */
                                decision: "approve" | "reject";
                                reason: string | null;
                                at: string;
                            }[];
                            created_at: string;
                            expires_at: string;
                            decided_at: string | null;
                            outcome: string | null;
                            /** @description set when the request was decided on an emergency path (a break-glass unseal, an emergency transition): approved with no vote, so nobody approved it; null for a request decided by votes */
                            emergency: {
                                /**
                                 * @description the post-incident review it owes: open until someone other than who took the path closes it
                                 * @enum {string}
                                 */
                                review: "open" | "done" | "none";
                                reviewed_by: string | null;
                                reviewed_at: string | null;
                            } | null;
                        };
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    validatePolicies: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    text: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        valid: boolean;
                        ids: string[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getPolicySchema: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        json: {
                            [key: string]: unknown;
                        };
                        text: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listApprovals: {
        parameters: {
            query?: {
                mine?: "pending";
                status?: "pending" | "approved" | "rejected" | "expired" | "cancelled";
                kind?: "transition" | "policy_change" | "lifecycle_rules_change" | "access" | "exception" | "break_glass" | "identity_change";
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            /** @enum {string} */
                            kind: "transition" | "policy_change" | "lifecycle_rules_change" | "access" | "exception" | "break_glass" | "identity_change";
                            subject: {
                                type: string;
                                id: string;
                            };
                            requester: string;
                            owner: string | null;
                            summary: string;
                            /** @description what the request is about, by kind */
                            detail: {
                                [key: string]: unknown;
                            };
                            /** @description the approval rule that decides it */
                            rule: string;
                            /** @description approvals needed */
                            required: number;
                            roles: ("viewer" | "operator" | "compliance_officer" | "approver" | "admin" | "enforcer" | "monitor" | "ssf_receiver")[];
                            /** @enum {string} */
                            status: "pending" | "approved" | "rejected" | "expired" | "cancelled";
                            votes: {
                                voter: string;
                                /** @enum {string} */
                                decision: "approve" | "reject";
                                reason: string | null;
                                at: string;
                            }[];
                            created_at: string;
                            expires_at: string;
                            decided_at: string | null;
                            outcome: string | null;
                            /** @description set when the request was decided on an emergency path (a break-glass unseal, an emergency transition): approved with no vote, so nobody approved it; null for a request decided by votes */
                            emergency: {
                                /**
                                 * @description the post-incident review it owes: open until someone other than who took the path closes it
                                 * @enum {string}
                                 */
                                review: "open" | "done" | "none";
                                reviewed_by: string | null;
                                reviewed_at: string | null;
                            } | null;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getApproval: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        kind: "transition" | "policy_change" | "lifecycle_rules_change" | "access" | "exception" | "break_glass" | "identity_change";
                        subject: {
                            type: string;
                            id: string;
                        };
                        requester: string;
                        owner: string | null;
                        summary: string;
                        /** @description what the request is about, by kind */
                        detail: {
                            [key: string]: unknown;
                        };
                        /** @description the approval rule that decides it */
                        rule: string;
                        /** @description approvals needed */
                        required: number;
                        roles: ("viewer" | "operator" | "compliance_officer" | "approver" | "admin" | "enforcer" | "monitor" | "ssf_receiver")[];
                        /** @enum {string} */
                        status: "pending" | "approved" | "rejected" | "expired" | "cancelled";
                        votes: {
                            voter: string;
                            /** @enum {string} */
                            decision: "approve" | "reject";
                            reason: string | null;
                            at: string;
                        }[];
                        created_at: string;
                        expires_at: string;
                        decided_at: string | null;
                        outcome: string | null;
                        /** @description set when the request was decided on an emergency path (a break-glass unseal, an emergency transition): approved with no vote, so nobody approved it; null for a request decided by votes */
                        emergency: {
                            /**
                             * @description the post-incident review it owes: open until someone other than who took the path closes it
                             * @enum {string}
                             */
                            review: "open" | "done" | "none";
                            reviewed_by: string | null;
                            reviewed_at: string | null;
                        } | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    approveRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        kind: "transition" | "policy_change" | "lifecycle_rules_change" | "access" | "exception" | "break_glass" | "identity_change";
                        subject: {
                            type: string;
                            id: string;
                        };
                        requester: string;
                        owner: string | null;
                        summary: string;
                        /** @description what the request is about, by kind */
                        detail: {
                            [key: string]: unknown;
                        };
                        /** @description the approval rule that decides it */
                        rule: string;
                        /** @description approvals needed */
                        required: number;
                        roles: ("viewer" | "operator" | "compliance_officer" | "approver" | "admin" | "enforcer" | "monitor" | "ssf_receiver")[];
                        /** @enum {string} */
                        status: "pending" | "approved" | "rejected" | "expired" | "cancelled";
                        votes: {
                            voter: string;
                            /** @enum {string} */
                            decision: "approve" | "reject";
                            reason: string | null;
                            at: string;
                        }[];
                        created_at: string;
                        expires_at: string;
                        decided_at: string | null;
                        outcome: string | null;
                        /** @description set when the request was decided on an emergency path (a break-glass unseal, an emergency transition): approved with no vote, so nobody approved it; null for a request decided by votes */
                        emergency: {
                            /**
                             * @description the post-incident review it owes: open until someone other than who took the path closes it
                             * @enum {string}
                             */
                            review: "open" | "done" | "none";
                            reviewed_by: string | null;
                            reviewed_at: string | null;
                        } | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    rejectRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        kind: "transition" | "policy_change" | "lifecycle_rules_change" | "access" | "exception" | "break_glass" | "identity_change";
                        subject: {
                            type: string;
                            id: string;
                        };
                        requester: string;
                        owner: string | null;
                        summary: string;
                        /** @description what the request is about, by kind */
                        detail: {
                            [key: string]: unknown;
                        };
                        /** @description the approval rule that decides it */
                        rule: string;
                        /** @description approvals needed */
                        required: number;
                        roles: ("viewer" | "operator" | "compliance_officer" | "approver" | "admin" | "enforcer" | "monitor" | "ssf_receiver")[];
                        /** @enum {string} */
                        status: "pending" | "approved" | "rejected" | "expired" | "cancelled";
                        votes: {
                            voter: string;
                            /** @enum {string} */
                            decision: "approve" | "reject";
                            reason: string | null;
                            at: string;
                        }[];
                        created_at: string;
                        expires_at: string;
                        decided_at: string | null;
                        outcome: string | null;
                        /** @description set when the request was decided on an emergency path (a break-glass unseal, an emergency transition): approved with no vote, so nobody approved it; null for a request decided by votes */
                        emergency: {
                            /**
                             * @description the post-incident review it owes: open until someone other than who took the path closes it
                             * @enum {string}
                             */
                            review: "open" | "done" | "none";
                            reviewed_by: string | null;
                            reviewed_at: string | null;
                        } | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listApprovalRules: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            /** @enum {string} */
                            kind: "transition" | "policy_change" | "lifecycle_rules_change" | "access" | "exception" | "break_glass" | "identity_change";
                            description: string;
                            when?: {
                                capability?: ("observe" | "execute")[];
                                services?: ("custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer")[];
                                function?: ("custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security")[];
                                kind?: ("service_account" | "api_key" | "workload" | "signing_key" | "pipeline" | "wallet_integration" | "ai_agent")[];
                            };
                            approvals: number;
                            roles: ("viewer" | "operator" | "compliance_officer" | "approver" | "admin" | "enforcer" | "monitor" | "ssf_receiver")[];
                            expires_after_seconds: number;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getChangeRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        kind: "policy_change" | "lifecycle_rules_change";
                        requester: string;
                        /** @enum {string} */
                        status: "pending" | "applied" | "rejected" | "expired" | "cancelled";
                        /** @description the version the change was based on; it is published only on top of it */
                        base_version: number;
                        /** @description the policy text, or the rules document (MiCA, or products under the CRA with regime cra) */
                        change: {
                            text: string;
                        } | {
                            /** Mandate lifecycle rules */
                            rules: {
                                /** @enum {number} */
                                version: 1;
                                id: string;
                                description: string;
                                table: {
                                    applied: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                    authorised: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                    restricted: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                    suspended: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                    withdrawn: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                    wind_down: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                    closed: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                    none: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny" | "conditions";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny" | "conditions";
                                    };
                                };
                                rules: {
                                    id: string;
                                    description: string;
                                    when: {
                                        status?: ("applied" | "authorised" | "restricted" | "suspended" | "withdrawn" | "wind_down" | "closed" | "none")[];
                                        service?: ("custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer")[];
                                        service_not?: ("custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer")[];
                                        jurisdiction?: ("AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO")[];
                                        entity?: string[];
                                        function?: ("custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security")[];
                                        kind?: ("service_account" | "api_key" | "workload" | "signing_key" | "pipeline" | "wallet_integration" | "ai_agent")[];
                                        capability?: ("observe" | "execute")[];
                                        environment?: ("production" | "staging" | "development")[];
                                        action_class?: ("observe" | "new_business" | "return_path")[];
                                        actions?: string[];
                                        /** @description true: only vendor identities; false: only the firm’s own */
                                        vendor?: boolean;
                                        break_glass?: boolean;
                                    };
                                    /** @enum {string} */
                                    effect: "allow" | "deny";
                                }[];
                            };
                        } | {
                            /** Mandate product lifecycle rules (CRA) */
                            rules: {
                                /** @enum {number} */
                                version: 1;
                                /** @enum {string} */
                                regime: "cra";
                                id: string;
                                description: string;
                                table: {
                                    in_development: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny";
                                    };
                                    assessed: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny";
                                    };
                                    on_market: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny";
                                    };
                                    support_ended: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny";
                                    };
                                    withdrawn: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny";
                                    };
                                    recalled: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny";
                                    };
                                    none: {
                                        /** @enum {string} */
                                        observe: "allow" | "deny";
                                        /** @enum {string} */
                                        new_business: "allow" | "deny";
                                        /** @enum {string} */
                                        return_path: "allow" | "deny";
                                    };
                                };
                                rules: {
                                    id: string;
                                    description: string;
                                    when: {
                                        status?: ("in_development" | "assessed" | "on_market" | "support_ended" | "withdrawn" | "recalled" | "none")[];
                                        product?: string[];
                                        category?: ("default" | "important_class_i" | "important_class_ii" | "critical")[];
                                        channel?: string[];
                                        /** @description true: only while an actively exploited vulnerability of the product is open (CRA Art. 14) */
                                        exploited_vulnerability?: boolean;
                                        function?: ("custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security")[];
                                        kind?: ("service_account" | "api_key" | "workload" | "signing_key" | "pipeline" | "wallet_integration" | "ai_agent")[];
                                        capability?: ("observe" | "execute")[];
                                        environment?: ("production" | "staging" | "development")[];
                                        action_class?: ("observe" | "new_business" | "return_path")[];
                                        actions?: string[];
                                        vendor?: boolean;
                                        break_glass?: boolean;
                                    };
                                    /** @enum {string} */
                                    effect: "allow" | "deny" | "approval";
                                }[];
                            };
                            /** @enum {string} */
                            regime: "cra";
                        };
                        result: {
                            version: number;
                        } | null;
                        /** Approval */
                        approval?: {
                            id: string;
                            /** @enum {string} */
                            kind: "transition" | "policy_change" | "lifecycle_rules_change" | "access" | "exception" | "break_glass" | "identity_change";
                            subject: {
                                type: string;
                                id: string;
                            };
                            requester: string;
                            owner: string | null;
                            summary: string;
                            /** @description what the request is about, by kind */
                            detail: {
                                [key: string]: unknown;
                            };
                            /** @description the approval rule that decides it */
                            rule: string;
                            /** @description approvals needed */
                            required: number;
                            roles: ("viewer" | "operator" | "compliance_officer" | "approver" | "admin" | "enforcer" | "monitor" | "ssf_receiver")[];
                            /** @enum {string} */
                            status: "pending" | "approved" | "rejected" | "expired" | "cancelled";
                            votes: {
                                voter: string;
                                /** @enum {string} */
                                decision: "approve" | "reject";
                                reason: string | null;
                                at: string;
                            }[];
                            created_at: string;
                            expires_at: string;
                            decided_at: string | null;
                            outcome: string | null;
                            /** @description set when the request was decided on an emergency path (a break-glass unseal, an emergency transition): approved with no vote, so nobody approved it; null for a request decided by votes */
                            emergency: {
                                /**
                                 * @description the post-incident review it owes: open until someone other than who took the path closes it
                                 * @enum {string}
                                 */
                                review: "open" | "done" | "none";
                                reviewed_by: string | null;
                                reviewed_at: string | null;
                            } | null;
                        };
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listAccessRequests: {
        parameters: {
            query?: {
                identity?: string;
                status?: "pending" | "active" | "rejected" | "expired" | "ended" | "cancelled";
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            identity: string;
                            actions: string[];
                            scope: {
                                entity: string;
                                /**
                                 * @description MiCA crypto-asset service id
                                 * @enum {string}
                                 */
                                service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                                /**
                                 * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                                 * @enum {string}
                                 */
                                jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                            } | {
                                product: string;
                                channel?: string;
                            };
                            /** @description capped per function (ACCESS_DURATION_CAPS) */
                            duration_seconds: number;
                            justification: string;
                            /** @description change or incident ticket reference */
                            ticket?: string;
                            id: string;
                            requester: string;
                            /** @enum {string} */
                            status: "pending" | "active" | "rejected" | "expired" | "ended" | "cancelled";
                            /** Approval */
                            approval?: {
                                id: string;
                                /** @enum {string} */
                                kind: "transition" | "policy_change" | "lifecycle_rules_change" | "access" | "exception" | "break_glass" | "identity_change";
                                subject: {
                                    type: string;
                                    id: string;
                                };
                                requester: string;
                                owner: string | null;
                                summary: string;
                                /** @description what the request is about, by kind */
                                detail: {
                                    [key: string]: unknown;
                                };
                                /** @description the approval rule that decides it */
                                rule: string;
                                /** @description approvals needed */
                                required: number;
                                roles: ("viewer" | "operator" | "compliance_officer" | "approver" | "admin" | "enforcer" | "monitor" | "ssf_receiver")[];
                                /** @enum {string} */
                                status: "pending" | "approved" | "rejected" | "expired" | "cancelled";
                                votes: {
                                    voter: string;
                                    /** @enum {string} */
                                    decision: "approve" | "reject";
                                    reason: string | null;
                                    at: string;
                                }[];
                                created_at: string;
                                expires_at: string;
                                decided_at: string | null;
                                outcome: string | null;
                                /** @description set when the request was decided on an emergency path (a break-glass unseal, an emergency transition): approved with no vote, so nobody approved it; null for a request decided by votes */
                                emergency: {
                                    /**
                                     * @description the post-incident review it owes: open until someone other than who took the path closes it
                                     * @enum {string}
                                     */
                                    review: "open" | "done" | "none";
                                    reviewed_by: string | null;
                                    reviewed_at: string | null;
                                } | null;
                            };
                            granted_at?: string;
                            expires_at?: string;
                            created_at: string;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    requestAccess: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    identity: string;
                    actions: string[];
                    scope: {
                        entity: string;
                        /**
                         * @description MiCA crypto-asset service id
                         * @enum {string}
                         */
                        service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                        /**
                         * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                         * @enum {string}
                         */
                        jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                    } | {
                        product: string;
                        channel?: string;
                    };
                    /** @description capped per function (ACCESS_DURATION_CAPS) */
                    duration_seconds: number;
                    justification: string;
                    /** @description change or incident ticket reference */
                    ticket?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        identity: string;
                        actions: string[];
                        scope: {
                            entity: string;
                            /**
                             * @description MiCA crypto-asset service id
                             * @enum {string}
                             */
                            service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                            /**
                             * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                             * @enum {string}
                             */
                            jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                        } | {
                            product: string;
                            channel?: string;
                        };
                        /** @description capped per function (ACCESS_DURATION_CAPS) */
                        duration_seconds: number;
                        justification: string;
                        /** @description change or incident ticket reference */
                        ticket?: string;
                        id: string;
                        requester: string;
                        /** @enum {string} */
                        status: "pending" | "active" | "rejected" | "expired" | "ended" | "cancelled";
                        /** Approval */
                        approval?: {
                            id: string;
                            /** @enum {string} */
                            kind: "transition" | "policy_change" | "lifecycle_rules_change" | "access" | "exception" | "break_glass" | "identity_change";
                            subject: {
                                type: string;
                                id: string;
                            };
                            requester: string;
                            owner: string | null;
                            summary: string;
                            /** @description what the request is about, by kind */
                            detail: {
                                [key: string]: unknown;
                            };
                            /** @description the approval rule that decides it */
                            rule: string;
                            /** @description approvals needed */
                            required: number;
                            roles: ("viewer" | "operator" | "compliance_officer" | "approver" | "admin" | "enforcer" | "monitor" | "ssf_receiver")[];
                            /** @enum {string} */
                            status: "pending" | "approved" | "rejected" | "expired" | "cancelled";
                            votes: {
                                voter: string;
                                /** @enum {string} */
                                decision: "approve" | "reject";
                                reason: string | null;
                                at: string;
                            }[];
                            created_at: string;
                            expires_at: string;
                            decided_at: string | null;
                            outcome: string | null;
                            /** @description set when the request was decided on an emergency path (a break-glass unseal, an emergency transition): approved with no vote, so nobody approved it; null for a request decided by votes */
                            emergency: {
                                /**
                                 * @description the post-incident review it owes: open until someone other than who took the path closes it
                                 * @enum {string}
                                 */
                                review: "open" | "done" | "none";
                                reviewed_by: string | null;
                                reviewed_at: string | null;
                            } | null;
                        };
                        granted_at?: string;
                        expires_at?: string;
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getAccessRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        identity: string;
                        actions: string[];
                        scope: {
                            entity: string;
                            /**
                             * @description MiCA crypto-asset service id
                             * @enum {string}
                             */
                            service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                            /**
                             * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                             * @enum {string}
                             */
                            jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                        } | {
                            product: string;
                            channel?: string;
                        };
                        /** @description capped per function (ACCESS_DURATION_CAPS) */
                        duration_seconds: number;
                        justification: string;
                        /** @description change or incident ticket reference */
                        ticket?: string;
                        id: string;
                        requester: string;
                        /** @enum {string} */
                        status: "pending" | "active" | "rejected" | "expired" | "ended" | "cancelled";
                        /** Approval */
                        approval?: {
                            id: string;
                            /** @enum {string} */
                            kind: "transition" | "policy_change" | "lifecycle_rules_change" | "access" | "exception" | "break_glass" | "identity_change";
                            subject: {
                                type: string;
                                id: string;
                            };
                            requester: string;
                            owner: string | null;
                            summary: string;
                            /** @description what the request is about, by kind */
                            detail: {
                                [key: string]: unknown;
                            };
                            /** @description the approval rule that decides it */
                            rule: string;
                            /** @description approvals needed */
                            required: number;
                            roles: ("viewer" | "operator" | "compliance_officer" | "approver" | "admin" | "enforcer" | "monitor" | "ssf_receiver")[];
                            /** @enum {string} */
                            status: "pending" | "approved" | "rejected" | "expired" | "cancelled";
                            votes: {
                                voter: string;
                                /** @enum {string} */
                                decision: "approve" | "reject";
                                reason: string | null;
                                at: string;
                            }[];
                            created_at: string;
                            expires_at: string;
                            decided_at: string | null;
                            outcome: string | null;
                            /** @description set when the request was decided on an emergency path (a break-glass unseal, an emergency transition): approved with no vote, so nobody approved it; null for a request decided by votes */
                            emergency: {
                                /**
                                 * @description the post-incident review it owes: open until someone other than who took the path closes it
                                 * @enum {string}
                                 */
                                review: "open" | "done" | "none";
                                reviewed_by: string | null;
                                reviewed_at: string | null;
                            } | null;
                        };
                        granted_at?: string;
                        expires_at?: string;
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    revokeAccessRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        identity: string;
                        actions: string[];
                        scope: {
                            entity: string;
                            /**
                             * @description MiCA crypto-asset service id
                             * @enum {string}
                             */
                            service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                            /**
                             * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                             * @enum {string}
                             */
                            jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                        } | {
                            product: string;
                            channel?: string;
                        };
                        /** @description capped per function (ACCESS_DURATION_CAPS) */
                        duration_seconds: number;
                        justification: string;
                        /** @description change or incident ticket reference */
                        ticket?: string;
                        id: string;
                        requester: string;
                        /** @enum {string} */
                        status: "pending" | "active" | "rejected" | "expired" | "ended" | "cancelled";
                        /** Approval */
                        approval?: {
                            id: string;
                            /** @enum {string} */
                            kind: "transition" | "policy_change" | "lifecycle_rules_change" | "access" | "exception" | "break_glass" | "identity_change";
                            subject: {
                                type: string;
                                id: string;
                            };
                            requester: string;
                            owner: string | null;
                            summary: string;
                            /** @description what the request is about, by kind */
                            detail: {
                                [key: string]: unknown;
                            };
                            /** @description the approval rule that decides it */
                            rule: string;
                            /** @description approvals needed */
                            required: number;
                            roles: ("viewer" | "operator" | "compliance_officer" | "approver" | "admin" | "enforcer" | "monitor" | "ssf_receiver")[];
                            /** @enum {string} */
                            status: "pending" | "approved" | "rejected" | "expired" | "cancelled";
                            votes: {
                                voter: string;
                                /** @enum {string} */
                                decision: "approve" | "reject";
                                reason: string | null;
                                at: string;
                            }[];
                            created_at: string;
                            expires_at: string;
                            decided_at: string | null;
                            outcome: string | null;
                            /** @description set when the request was decided on an emergency path (a break-glass unseal, an emergency transition): approved with no vote, so nobody approved it; null for a request decided by votes */
                            emergency: {
                                /**
                                 * @description the post-incident review it owes: open until someone other than who took the path closes it
                                 * @enum {string}
                                 */
                                review: "open" | "done" | "none";
                                reviewed_by: string | null;
                                reviewed_at: string | null;
                            } | null;
                        };
                        granted_at?: string;
                        expires_at?: string;
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listIdentityGrants: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            /** @enum {string} */
                            kind: "access" | "exception" | "break_glass";
                            identity: string;
                            /** @description absent: the identity's own (break-glass) */
                            actions?: string[];
                            /** @description absent: the identity's own scopes */
                            scope?: string;
                            /** @enum {string} */
                            control?: "entitlement" | "workload_attestation" | "static_secret";
                            obligations?: string[];
                            /** @description epoch milliseconds */
                            expires_at: number;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listExceptions: {
        parameters: {
            query?: {
                identity?: string;
                status?: "pending" | "active" | "rejected" | "expired" | "closed" | "revoked" | "cancelled";
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            identity: string;
                            /**
                             * @description the control waived: entitlement (actions or a scope beyond the entitlement), workload_attestation (execute without attestation), static_secret (a legacy credential accepted as a documented risk)
                             * @enum {string}
                             */
                            control: "entitlement" | "workload_attestation" | "static_secret";
                            /** @description narrower scope: only these actions */
                            actions: string[];
                            scope: {
                                entity: string;
                                /**
                                 * @description MiCA crypto-asset service id
                                 * @enum {string}
                                 */
                                service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                                /**
                                 * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                                 * @enum {string}
                                 */
                                jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                            } | {
                                product: string;
                                channel?: string;
                            };
                            justification: string;
                            compensating_controls: {
                                /** @description every decision under the exception is recorded and carries a monitor obligation */
                                extra_monitoring: boolean;
                                /** @description every decision under the exception carries a manual_approval obligation */
                                manual_approval_per_action: boolean;
                                note?: string;
                            };
                            /** @description ISO 8601 date or date-time with zone */
                            expires_at: string;
                            /** @description change or incident ticket reference */
                            ticket?: string;
                            id: string;
                            requester: string;
                            /** @enum {string} */
                            status: "pending" | "active" | "rejected" | "expired" | "closed" | "revoked" | "cancelled";
                            approval_id: string;
                            closed_by: string | null;
                            closed_at: string | null;
                            close_notes: string | null;
                            created_at: string;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    createException: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    identity: string;
                    /**
                     * @description the control waived: entitlement (actions or a scope beyond the entitlement), workload_attestation (execute without attestation), static_secret (a legacy credential accepted as a documented risk)
                     * @enum {string}
                     */
                    control: "entitlement" | "workload_attestation" | "static_secret";
                    /** @description narrower scope: only these actions */
                    actions: string[];
                    scope: {
                        entity: string;
                        /**
                         * @description MiCA crypto-asset service id
                         * @enum {string}
                         */
                        service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                        /**
                         * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                         * @enum {string}
                         */
                        jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                    } | {
                        product: string;
                        channel?: string;
                    };
                    justification: string;
                    compensating_controls: {
                        /** @description every decision under the exception is recorded and carries a monitor obligation */
                        extra_monitoring: boolean;
                        /** @description every decision under the exception carries a manual_approval obligation */
                        manual_approval_per_action: boolean;
                        note?: string;
                    };
                    /** @description ISO 8601 date or date-time with zone */
                    expires_at: string;
                    /** @description change or incident ticket reference */
                    ticket?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        identity: string;
                        /**
                         * @description the control waived: entitlement (actions or a scope beyond the entitlement), workload_attestation (execute without attestation), static_secret (a legacy credential accepted as a documented risk)
                         * @enum {string}
                         */
                        control: "entitlement" | "workload_attestation" | "static_secret";
                        /** @description narrower scope: only these actions */
                        actions: string[];
                        scope: {
                            entity: string;
                            /**
                             * @description MiCA crypto-asset service id
                             * @enum {string}
                             */
                            service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                            /**
                             * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                             * @enum {string}
                             */
                            jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                        } | {
                            product: string;
                            channel?: string;
                        };
                        justification: string;
                        compensating_controls: {
                            /** @description every decision under the exception is recorded and carries a monitor obligation */
                            extra_monitoring: boolean;
                            /** @description every decision under the exception carries a manual_approval obligation */
                            manual_approval_per_action: boolean;
                            note?: string;
                        };
                        /** @description ISO 8601 date or date-time with zone */
                        expires_at: string;
                        /** @description change or incident ticket reference */
                        ticket?: string;
                        id: string;
                        requester: string;
                        /** @enum {string} */
                        status: "pending" | "active" | "rejected" | "expired" | "closed" | "revoked" | "cancelled";
                        approval_id: string;
                        closed_by: string | null;
                        closed_at: string | null;
                        close_notes: string | null;
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getException: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        identity: string;
                        /**
                         * @description the control waived: entitlement (actions or a scope beyond the entitlement), workload_attestation (execute without attestation), static_secret (a legacy credential accepted as a documented risk)
                         * @enum {string}
                         */
                        control: "entitlement" | "workload_attestation" | "static_secret";
                        /** @description narrower scope: only these actions */
                        actions: string[];
                        scope: {
                            entity: string;
                            /**
                             * @description MiCA crypto-asset service id
                             * @enum {string}
                             */
                            service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                            /**
                             * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                             * @enum {string}
                             */
                            jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                        } | {
                            product: string;
                            channel?: string;
                        };
                        justification: string;
                        compensating_controls: {
                            /** @description every decision under the exception is recorded and carries a monitor obligation */
                            extra_monitoring: boolean;
                            /** @description every decision under the exception carries a manual_approval obligation */
                            manual_approval_per_action: boolean;
                            note?: string;
                        };
                        /** @description ISO 8601 date or date-time with zone */
                        expires_at: string;
                        /** @description change or incident ticket reference */
                        ticket?: string;
                        id: string;
                        requester: string;
                        /** @enum {string} */
                        status: "pending" | "active" | "rejected" | "expired" | "closed" | "revoked" | "cancelled";
                        approval_id: string;
                        closed_by: string | null;
                        closed_at: string | null;
                        close_notes: string | null;
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    closeException: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    notes: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        identity: string;
                        /**
                         * @description the control waived: entitlement (actions or a scope beyond the entitlement), workload_attestation (execute without attestation), static_secret (a legacy credential accepted as a documented risk)
                         * @enum {string}
                         */
                        control: "entitlement" | "workload_attestation" | "static_secret";
                        /** @description narrower scope: only these actions */
                        actions: string[];
                        scope: {
                            entity: string;
                            /**
                             * @description MiCA crypto-asset service id
                             * @enum {string}
                             */
                            service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                            /**
                             * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                             * @enum {string}
                             */
                            jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                        } | {
                            product: string;
                            channel?: string;
                        };
                        justification: string;
                        compensating_controls: {
                            /** @description every decision under the exception is recorded and carries a monitor obligation */
                            extra_monitoring: boolean;
                            /** @description every decision under the exception carries a manual_approval obligation */
                            manual_approval_per_action: boolean;
                            note?: string;
                        };
                        /** @description ISO 8601 date or date-time with zone */
                        expires_at: string;
                        /** @description change or incident ticket reference */
                        ticket?: string;
                        id: string;
                        requester: string;
                        /** @enum {string} */
                        status: "pending" | "active" | "rejected" | "expired" | "closed" | "revoked" | "cancelled";
                        approval_id: string;
                        closed_by: string | null;
                        closed_at: string | null;
                        close_notes: string | null;
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    unsealBreakGlass: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason: string;
                    /** @description default 1 hour; the emergency path caps it at 1 hour */
                    duration_seconds?: number;
                    /** @description unseal now without approval: notifies, and opens a mandatory post-incident review */
                    emergency?: boolean;
                    /** @description change or incident ticket reference */
                    ticket?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        identity: string;
                        requester: string;
                        reason: string;
                        ticket?: string;
                        duration_seconds: number;
                        emergency: boolean;
                        /** @enum {string} */
                        status: "pending" | "active" | "ended" | "rejected" | "expired" | "cancelled";
                        approval_id: string | null;
                        starts_at: string | null;
                        ends_at: string | null;
                        review: {
                            /** @enum {string} */
                            status: "open" | "done" | "none";
                            by: string | null;
                            at: string | null;
                            notes: string | null;
                        };
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listBreakGlassActivations: {
        parameters: {
            query?: {
                identity?: string;
                review?: "open" | "done" | "none";
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            identity: string;
                            requester: string;
                            reason: string;
                            ticket?: string;
                            duration_seconds: number;
                            emergency: boolean;
                            /** @enum {string} */
                            status: "pending" | "active" | "ended" | "rejected" | "expired" | "cancelled";
                            approval_id: string | null;
                            starts_at: string | null;
                            ends_at: string | null;
                            review: {
                                /** @enum {string} */
                                status: "open" | "done" | "none";
                                by: string | null;
                                at: string | null;
                                notes: string | null;
                            };
                            created_at: string;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getBreakGlassActivation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        identity: string;
                        requester: string;
                        reason: string;
                        ticket?: string;
                        duration_seconds: number;
                        emergency: boolean;
                        /** @enum {string} */
                        status: "pending" | "active" | "ended" | "rejected" | "expired" | "cancelled";
                        approval_id: string | null;
                        starts_at: string | null;
                        ends_at: string | null;
                        review: {
                            /** @enum {string} */
                            status: "open" | "done" | "none";
                            by: string | null;
                            at: string | null;
                            notes: string | null;
                        };
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    sealBreakGlassActivation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        identity: string;
                        requester: string;
                        reason: string;
                        ticket?: string;
                        duration_seconds: number;
                        emergency: boolean;
                        /** @enum {string} */
                        status: "pending" | "active" | "ended" | "rejected" | "expired" | "cancelled";
                        approval_id: string | null;
                        starts_at: string | null;
                        ends_at: string | null;
                        review: {
                            /** @enum {string} */
                            status: "open" | "done" | "none";
                            by: string | null;
                            at: string | null;
                            notes: string | null;
                        };
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    reviewBreakGlassActivation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    notes: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        identity: string;
                        requester: string;
                        reason: string;
                        ticket?: string;
                        duration_seconds: number;
                        emergency: boolean;
                        /** @enum {string} */
                        status: "pending" | "active" | "ended" | "rejected" | "expired" | "cancelled";
                        approval_id: string | null;
                        starts_at: string | null;
                        ends_at: string | null;
                        review: {
                            /** @enum {string} */
                            status: "open" | "done" | "none";
                            by: string | null;
                            at: string | null;
                            notes: string | null;
                        };
                        created_at: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getControlCatalogue: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        version: string;
                        controls: {
                            /** @description e.g. owasp-nhi:NHI7, nist-csf:PR.AA-05, mica:art-64 */
                            id: string;
                            /** @enum {string} */
                            framework: "owasp-nhi-2025" | "nist-csf-2.0" | "mica" | "dora" | "cra";
                            ref: string;
                            title: string;
                            description: string;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listChecks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            title: string;
                            description: string;
                            /** @enum {string} */
                            severity: "low" | "medium" | "high" | "critical";
                            controls: string[];
                            /** @description exception controls that accept its risk */
                            accepted_by: string[];
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    runChecks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        at: string;
                        trigger: string;
                        checks: {
                            check: string;
                            title: string;
                            description: string;
                            /** @enum {string} */
                            severity: "low" | "medium" | "high" | "critical";
                            controls: string[];
                            evaluated: number;
                            failed: number;
                        }[];
                        counts: {
                            open: number;
                            opened: number;
                            resolved: number;
                            reopened: number;
                            accepted_risk: number;
                        };
                        duration_ms: number;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listCheckRuns: {
        parameters: {
            query?: {
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            at: string;
                            trigger: string;
                            checks: {
                                check: string;
                                title: string;
                                description: string;
                                /** @enum {string} */
                                severity: "low" | "medium" | "high" | "critical";
                                controls: string[];
                                evaluated: number;
                                failed: number;
                            }[];
                            counts: {
                                open: number;
                                opened: number;
                                resolved: number;
                                reopened: number;
                                accepted_risk: number;
                            };
                            duration_ms: number;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listFindings: {
        parameters: {
            query?: {
                /** @description comma-separated: open, acknowledged, resolved, accepted_risk */
                status?: string;
                severity?: "low" | "medium" | "high" | "critical";
                check?: string;
                owner?: string;
                /** @description only findings nobody owns */
                unowned?: boolean;
                subject?: string;
                /** @description one of its scopes is of this legal entity */
                entity?: string;
                /** @description ISO 3166-1 alpha-2 code of an EU/EEA member state */
                jurisdiction?: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                /** @description default 500 */
                limit?: number;
                /** @description next_cursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** @description <check>:<subject id> */
                            id: string;
                            check: string;
                            /** @enum {string} */
                            severity: "low" | "medium" | "high" | "critical";
                            /** @enum {string} */
                            status: "open" | "acknowledged" | "resolved" | "accepted_risk";
                            subject: {
                                type: string;
                                id: string;
                            };
                            title: string;
                            detail: string;
                            owner: string | null;
                            controls: string[];
                            scopes: string[];
                            first_seen: string;
                            last_seen: string;
                            due_at: string;
                            resolved_at: string | null;
                            exception: string | null;
                            /** @description ledger events (sequence numbers) it rests on */
                            evidence: number[];
                            acknowledged_by: string | null;
                            occurrences: number;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listFindingsDue: {
        parameters: {
            query?: {
                /** @description ISO 8601 date or date-time with zone */
                from?: string;
                /** @description default 20 */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** @description <check>:<subject id> */
                            id: string;
                            check: string;
                            /** @enum {string} */
                            severity: "low" | "medium" | "high" | "critical";
                            /** @enum {string} */
                            status: "open" | "acknowledged" | "resolved" | "accepted_risk";
                            subject: {
                                type: string;
                                id: string;
                            };
                            title: string;
                            detail: string;
                            owner: string | null;
                            controls: string[];
                            scopes: string[];
                            first_seen: string;
                            last_seen: string;
                            due_at: string;
                            resolved_at: string | null;
                            exception: string | null;
                            /** @description ledger events (sequence numbers) it rests on */
                            evidence: number[];
                            acknowledged_by: string | null;
                            occurrences: number;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    groupFindings: {
        parameters: {
            query: {
                by: "check" | "severity" | "owner";
                /** @description comma-separated: open, acknowledged, resolved, accepted_risk */
                status?: string;
                severity?: "low" | "medium" | "high" | "critical";
                check?: string;
                owner?: string;
                /** @description only findings nobody owns */
                unowned?: boolean;
                subject?: string;
                /** @description one of its scopes is of this legal entity */
                entity?: string;
                /** @description ISO 3166-1 alpha-2 code of an EU/EEA member state */
                jurisdiction?: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        by: "check" | "severity" | "owner";
                        /** @description findings in all groups */
                        total: number;
                        items: {
                            key: string | null;
                            count: number;
                            by_severity: {
                                low: number;
                                medium: number;
                                high: number;
                                critical: number;
                            };
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getFinding: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description <check>:<subject id> */
                        id: string;
                        check: string;
                        /** @enum {string} */
                        severity: "low" | "medium" | "high" | "critical";
                        /** @enum {string} */
                        status: "open" | "acknowledged" | "resolved" | "accepted_risk";
                        subject: {
                            type: string;
                            id: string;
                        };
                        title: string;
                        detail: string;
                        owner: string | null;
                        controls: string[];
                        scopes: string[];
                        first_seen: string;
                        last_seen: string;
                        due_at: string;
                        resolved_at: string | null;
                        exception: string | null;
                        /** @description ledger events (sequence numbers) it rests on */
                        evidence: number[];
                        acknowledged_by: string | null;
                        occurrences: number;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    acknowledgeFinding: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    note: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description <check>:<subject id> */
                        id: string;
                        check: string;
                        /** @enum {string} */
                        severity: "low" | "medium" | "high" | "critical";
                        /** @enum {string} */
                        status: "open" | "acknowledged" | "resolved" | "accepted_risk";
                        subject: {
                            type: string;
                            id: string;
                        };
                        title: string;
                        detail: string;
                        owner: string | null;
                        controls: string[];
                        scopes: string[];
                        first_seen: string;
                        last_seen: string;
                        due_at: string;
                        resolved_at: string | null;
                        exception: string | null;
                        /** @description ledger events (sequence numbers) it rests on */
                        evidence: number[];
                        acknowledged_by: string | null;
                        occurrences: number;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getFindingsLag: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description by severity */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: {
                            resolved: number;
                            p50_hours: number;
                            p90_hours: number;
                            max_hours: number;
                            overdue_open: number;
                        };
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: {
                entity?: string;
                /** @description ISO 3166-1 alpha-2 code of an EU/EEA member state */
                jurisdiction?: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                /** @description ISO 8601 date or date-time with zone */
                as_of?: string;
                /** @description scores and counts only: no blocking findings, owners or finding deadlines (the console overview) */
                brief?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        run: {
                            id: string;
                            at: string;
                        } | null;
                        items: {
                            entity: string;
                            jurisdiction: string;
                            service: string;
                            authorisation: {
                                id: string;
                                status: string;
                                basis: string;
                                reference: string;
                            } | null;
                            /** @description 0–100: 100 with no open finding in the scope */
                            score: number;
                            identities: number;
                            open_findings: number;
                            blocking: {
                                id: string;
                                /** @enum {string} */
                                severity: "low" | "medium" | "high" | "critical";
                                title: string;
                                owner: string | null;
                            }[];
                            owners_to_chase: {
                                owner: string;
                                findings: number;
                            }[];
                            deadlines: {
                                what: string;
                                at: string;
                                days_left: number;
                            }[];
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getReadinessTrend: {
        parameters: {
            query: {
                entity: string;
                /** @description ISO 3166-1 alpha-2 code of an EU/EEA member state */
                jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            at: string;
                            score: number;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listLeaks: {
        parameters: {
            query?: {
                open?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: ({
                            id: string;
                            /** @description SHA-256 of the secret; the secret is never kept */
                            fingerprint: string;
                            identity: string | null;
                            detector?: string;
                            where?: string;
                            verified?: boolean | null;
                            format?: string;
                            first_seen: string;
                            last_seen: string;
                            resolved_at: string | null;
                        } & {
                            [key: string]: unknown;
                        })[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    reportLeaks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    report: string;
                    identity?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        format: string;
                        received: number;
                        opened: number;
                        seen_again: number;
                        matched: number;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    resolveLeak: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    notes: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @description SHA-256 of the secret; the secret is never kept */
                        fingerprint: string;
                        identity: string | null;
                        detector?: string;
                        where?: string;
                        verified?: boolean | null;
                        format?: string;
                        first_seen: string;
                        last_seen: string;
                        resolved_at: string | null;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    createEvidencePack: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    entity?: string;
                    jurisdiction?: string;
                    /** @description a product id: a pack for this product (give no entity or jurisdiction) */
                    product?: string;
                    /** @description ISO 8601 date or date-time with zone */
                    as_of?: string;
                };
            };
        };
        responses: {
            /** @description the signed pack, as an attachment */
            200: {
                headers: {
                    /** @description attachment; filename="mandate-evidence-{entity}-{jurisdiction}-{date}.tar.gz" (a product pack: mandate-evidence-product-{id}-{date}.tar.gz) */
                    "content-disposition"?: string;
                    /** @description SHA-256 of the pack, hex (also in its evidence.exported event) */
                    "x-mandate-pack-sha256"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/gzip": string;
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listAccessReviews: {
        parameters: {
            query?: {
                status?: "open" | "closed" | "overdue";
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            /** @enum {string} */
                            status: "open" | "closed" | "overdue";
                            filter: {
                                /** @description an e-mail address */
                                owner?: string;
                                function?: ("custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security")[];
                                entity?: string;
                                /** @description default false: break-glass identities are sealed and reviewed on each unseal */
                                include_break_glass?: boolean;
                            };
                            recurrence_days: number | null;
                            previous: string | null;
                            next: string | null;
                            created_by: string;
                            created_at: string;
                            due_at: string;
                            closed_at: string | null;
                            /** @description past its due date with items undecided */
                            overdue: boolean;
                            counts: {
                                total: number;
                                decided: number;
                                undecided: number;
                                by_decision: {
                                    keep: number;
                                    narrow: number;
                                    revoke: number;
                                };
                                flagged: number;
                                by_flag: {
                                    departed_owner: number;
                                    no_owner: number;
                                    stale_approval: number;
                                    unused: number;
                                    execute_on_client_assets: number;
                                };
                            };
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    createAccessReview: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @description ISO 8601 date or date-time with zone */
                    due_at: string;
                    filter?: {
                        /** @description an e-mail address */
                        owner?: string;
                        function?: ("custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security")[];
                        entity?: string;
                        /** @description default false: break-glass identities are sealed and reviewed on each unseal */
                        include_break_glass?: boolean;
                    };
                    /** @description open the next campaign this many days after each due date */
                    recurrence_days?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @enum {string} */
                        status: "open" | "closed" | "overdue";
                        filter: {
                            /** @description an e-mail address */
                            owner?: string;
                            function?: ("custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security")[];
                            entity?: string;
                            /** @description default false: break-glass identities are sealed and reviewed on each unseal */
                            include_break_glass?: boolean;
                        };
                        recurrence_days: number | null;
                        previous: string | null;
                        next: string | null;
                        created_by: string;
                        created_at: string;
                        due_at: string;
                        closed_at: string | null;
                        /** @description past its due date with items undecided */
                        overdue: boolean;
                        counts: {
                            total: number;
                            decided: number;
                            undecided: number;
                            by_decision: {
                                keep: number;
                                narrow: number;
                                revoke: number;
                            };
                            flagged: number;
                            by_flag: {
                                departed_owner: number;
                                no_owner: number;
                                stale_approval: number;
                                unused: number;
                                execute_on_client_assets: number;
                            };
                        };
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getAccessReview: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @enum {string} */
                        status: "open" | "closed" | "overdue";
                        filter: {
                            /** @description an e-mail address */
                            owner?: string;
                            function?: ("custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security")[];
                            entity?: string;
                            /** @description default false: break-glass identities are sealed and reviewed on each unseal */
                            include_break_glass?: boolean;
                        };
                        recurrence_days: number | null;
                        previous: string | null;
                        next: string | null;
                        created_by: string;
                        created_at: string;
                        due_at: string;
                        closed_at: string | null;
                        /** @description past its due date with items undecided */
                        overdue: boolean;
                        counts: {
                            total: number;
                            decided: number;
                            undecided: number;
                            by_decision: {
                                keep: number;
                                narrow: number;
                                revoke: number;
                            };
                            flagged: number;
                            by_flag: {
                                departed_owner: number;
                                no_owner: number;
                                stale_approval: number;
                                unused: number;
                                execute_on_client_assets: number;
                            };
                        };
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listAccessReviewItems: {
        parameters: {
            query?: {
                /** @description only items whose reviewer is you (and, for review managers, the items nobody owns) */
                mine?: boolean;
                undecided?: boolean;
                /** @description next_cursor from the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            campaign_id: string;
                            identity_id: string;
                            reviewer: string | null;
                            flags: ("departed_owner" | "no_owner" | "stale_approval" | "unused" | "execute_on_client_assets")[];
                            decision: ("keep" | "narrow" | "revoke") | null;
                            decided_by: string | null;
                            decided_at: string | null;
                            notes: string | null;
                            overdue: boolean;
                            identity: {
                                kind: string;
                                function: string;
                                capability: string;
                                status: string;
                                owner: string | null;
                            } | null;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    decideAccessReviewItem: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                identity: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    decision: "keep" | "narrow" | "revoke";
                    /** @description narrow: the actions the identity keeps */
                    actions?: string[];
                    /** @description narrow: the scopes the identity keeps */
                    scopes?: ({
                        entity: string;
                        /**
                         * @description MiCA crypto-asset service id
                         * @enum {string}
                         */
                        service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                        /**
                         * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                         * @enum {string}
                         */
                        jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                    } | {
                        product: string;
                        channel?: string;
                    })[];
                    notes: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        campaign_id: string;
                        identity_id: string;
                        reviewer: string | null;
                        flags: ("departed_owner" | "no_owner" | "stale_approval" | "unused" | "execute_on_client_assets")[];
                        decision: ("keep" | "narrow" | "revoke") | null;
                        decided_by: string | null;
                        decided_at: string | null;
                        notes: string | null;
                        overdue: boolean;
                        identity: {
                            kind: string;
                            function: string;
                            capability: string;
                            status: string;
                            owner: string | null;
                        } | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listDiscoverySources: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            kind: string;
                            /** @description the options, secrets shown as *** */
                            options: {
                                [key: string]: unknown;
                            };
                            covers: string[];
                            environment: ("production" | "staging" | "development") | null;
                            every_s: number | null;
                            /** @description the option paths whose values are sealed */
                            sealed: string[];
                            created_by: string;
                            created_at: string;
                            updated_at: string;
                            last_run: {
                                id: string;
                                source: string;
                                /** @enum {string} */
                                status: "running" | "succeeded" | "failed";
                                complete: boolean;
                                started_at: string;
                                finished_at: string | null;
                                counts: {
                                    observed: number;
                                    matched: number;
                                    unmanaged: number;
                                    missing: number;
                                    drift: number;
                                } | null;
                                digest: string | null;
                                error: string | null;
                            } | null;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    createDiscoverySource: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id: string;
                    /** @description postgres, mariadb, redis, rabbitmq, nats, kubernetes, aws_iam or github */
                    kind: string;
                    /** @description kind-specific; secrets (passwords, URLs with credentials) are sealed and never shown again */
                    options?: {
                        [key: string]: unknown;
                    };
                    path?: string;
                    covers?: string[];
                    /** @enum {string} */
                    environment?: "production" | "staging" | "development";
                    /** @description run on a schedule: whole seconds or a span like 15m or 1h (at least 60 s) */
                    every?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        kind: string;
                        /** @description the options, secrets shown as *** */
                        options: {
                            [key: string]: unknown;
                        };
                        covers: string[];
                        environment: ("production" | "staging" | "development") | null;
                        every_s: number | null;
                        /** @description the option paths whose values are sealed */
                        sealed: string[];
                        created_by: string;
                        created_at: string;
                        updated_at: string;
                        last_run: {
                            id: string;
                            source: string;
                            /** @enum {string} */
                            status: "running" | "succeeded" | "failed";
                            complete: boolean;
                            started_at: string;
                            finished_at: string | null;
                            counts: {
                                observed: number;
                                matched: number;
                                unmanaged: number;
                                missing: number;
                                drift: number;
                            } | null;
                            digest: string | null;
                            error: string | null;
                        } | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    runDiscoverySource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        source: string;
                        /** @enum {string} */
                        status: "running" | "succeeded" | "failed";
                        complete: boolean;
                        started_at: string;
                        finished_at: string | null;
                        counts: {
                            observed: number;
                            matched: number;
                            unmanaged: number;
                            missing: number;
                            drift: number;
                        } | null;
                        digest: string | null;
                        error: string | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getDiscoveryRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        source: string;
                        /** @enum {string} */
                        status: "running" | "succeeded" | "failed";
                        complete: boolean;
                        started_at: string;
                        finished_at: string | null;
                        counts: {
                            observed: number;
                            matched: number;
                            unmanaged: number;
                            missing: number;
                            drift: number;
                        } | null;
                        digest: string | null;
                        error: string | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    listDiscoveredAccounts: {
        parameters: {
            query?: {
                source?: string;
                state?: "matched" | "unmanaged" | "missing" | "drift";
                identity?: string;
                /** @description next_cursor from the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            key: string;
                            source: string;
                            native_id: string;
                            /** @enum {string} */
                            state: "matched" | "unmanaged" | "missing" | "drift";
                            drift: string[];
                            identity: string | null;
                            account: {
                                source: string;
                                kind: string;
                                native_id: string;
                                name: string;
                                type: string;
                                enabled: boolean;
                                can_login: boolean;
                                credentials: {
                                    /** @enum {string} */
                                    type: "password" | "key" | "token" | "certificate" | "none";
                                    count?: number;
                                    /** @enum {string} */
                                    lifetime?: "static" | "short_lived";
                                    label?: string;
                                    created?: string;
                                    last_rotated?: string;
                                    expires?: string;
                                    last_used?: string;
                                    fingerprint?: string;
                                    active?: boolean;
                                }[];
                                /** @enum {string} */
                                privilege: "none" | "observe" | "execute";
                                grants: {
                                    /** @enum {string} */
                                    privilege: "observe" | "execute";
                                    grant: string;
                                }[];
                                grants_total: number;
                                sessions: {
                                    user: string;
                                    application?: string;
                                    client_address?: string;
                                    started?: string;
                                    interactive: boolean;
                                }[];
                                sessions_total: number;
                                /** @enum {string} */
                                environment?: "production" | "staging" | "development";
                                attributes?: {
                                    [key: string]: string | number | boolean;
                                };
                                last_used?: string;
                            } | null;
                            evidence: {
                                /** @enum {string} */
                                type: "grant" | "session" | "credential" | "login" | "account" | "identity" | "source";
                                detail: string;
                                at?: string;
                            }[];
                            findings: {
                                check: string;
                                /** @enum {string} */
                                severity: "low" | "medium" | "high" | "critical";
                                title: string;
                                detail: string;
                                controls: string[];
                                subject: {
                                    /** @enum {string} */
                                    type: "identity" | "observed_account";
                                    id: string;
                                };
                                owner: string | null;
                                scopes: string[];
                            }[];
                            first_seen: string;
                            last_seen: string;
                            disposition: {
                                /** @enum {string} */
                                kind: "adopted" | "dismissed";
                                /** @enum {string} */
                                reason?: "not_an_nhi" | "personal_account" | "out_of_scope" | "other";
                                note?: string;
                                identity?: string;
                                change?: string;
                                by: string;
                                at: string;
                            } | null;
                        }[];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getDiscoveredAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        key: string;
                        source: string;
                        native_id: string;
                        /** @enum {string} */
                        state: "matched" | "unmanaged" | "missing" | "drift";
                        drift: string[];
                        identity: string | null;
                        account: {
                            source: string;
                            kind: string;
                            native_id: string;
                            name: string;
                            type: string;
                            enabled: boolean;
                            can_login: boolean;
                            credentials: {
                                /** @enum {string} */
                                type: "password" | "key" | "token" | "certificate" | "none";
                                count?: number;
                                /** @enum {string} */
                                lifetime?: "static" | "short_lived";
                                label?: string;
                                created?: string;
                                last_rotated?: string;
                                expires?: string;
                                last_used?: string;
                                fingerprint?: string;
                                active?: boolean;
                            }[];
                            /** @enum {string} */
                            privilege: "none" | "observe" | "execute";
                            grants: {
                                /** @enum {string} */
                                privilege: "observe" | "execute";
                                grant: string;
                            }[];
                            grants_total: number;
                            sessions: {
                                user: string;
                                application?: string;
                                client_address?: string;
                                started?: string;
                                interactive: boolean;
                            }[];
                            sessions_total: number;
                            /** @enum {string} */
                            environment?: "production" | "staging" | "development";
                            attributes?: {
                                [key: string]: string | number | boolean;
                            };
                            last_used?: string;
                        } | null;
                        evidence: {
                            /** @enum {string} */
                            type: "grant" | "session" | "credential" | "login" | "account" | "identity" | "source";
                            detail: string;
                            at?: string;
                        }[];
                        findings: {
                            check: string;
                            /** @enum {string} */
                            severity: "low" | "medium" | "high" | "critical";
                            title: string;
                            detail: string;
                            controls: string[];
                            subject: {
                                /** @enum {string} */
                                type: "identity" | "observed_account";
                                id: string;
                            };
                            owner: string | null;
                            scopes: string[];
                        }[];
                        first_seen: string;
                        last_seen: string;
                        disposition: {
                            /** @enum {string} */
                            kind: "adopted" | "dismissed";
                            /** @enum {string} */
                            reason?: "not_an_nhi" | "personal_account" | "out_of_scope" | "other";
                            note?: string;
                            identity?: string;
                            change?: string;
                            by: string;
                            at: string;
                        } | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    dismissDiscoveredAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    reason: "not_an_nhi" | "personal_account" | "out_of_scope" | "other";
                    note?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        key: string;
                        source: string;
                        native_id: string;
                        /** @enum {string} */
                        state: "matched" | "unmanaged" | "missing" | "drift";
                        drift: string[];
                        identity: string | null;
                        account: {
                            source: string;
                            kind: string;
                            native_id: string;
                            name: string;
                            type: string;
                            enabled: boolean;
                            can_login: boolean;
                            credentials: {
                                /** @enum {string} */
                                type: "password" | "key" | "token" | "certificate" | "none";
                                count?: number;
                                /** @enum {string} */
                                lifetime?: "static" | "short_lived";
                                label?: string;
                                created?: string;
                                last_rotated?: string;
                                expires?: string;
                                last_used?: string;
                                fingerprint?: string;
                                active?: boolean;
                            }[];
                            /** @enum {string} */
                            privilege: "none" | "observe" | "execute";
                            grants: {
                                /** @enum {string} */
                                privilege: "observe" | "execute";
                                grant: string;
                            }[];
                            grants_total: number;
                            sessions: {
                                user: string;
                                application?: string;
                                client_address?: string;
                                started?: string;
                                interactive: boolean;
                            }[];
                            sessions_total: number;
                            /** @enum {string} */
                            environment?: "production" | "staging" | "development";
                            attributes?: {
                                [key: string]: string | number | boolean;
                            };
                            last_used?: string;
                        } | null;
                        evidence: {
                            /** @enum {string} */
                            type: "grant" | "session" | "credential" | "login" | "account" | "identity" | "source";
                            detail: string;
                            at?: string;
                        }[];
                        findings: {
                            check: string;
                            /** @enum {string} */
                            severity: "low" | "medium" | "high" | "critical";
                            title: string;
                            detail: string;
                            controls: string[];
                            subject: {
                                /** @enum {string} */
                                type: "identity" | "observed_account";
                                id: string;
                            };
                            owner: string | null;
                            scopes: string[];
                        }[];
                        first_seen: string;
                        last_seen: string;
                        disposition: {
                            /** @enum {string} */
                            kind: "adopted" | "dismissed";
                            /** @enum {string} */
                            reason?: "not_an_nhi" | "personal_account" | "out_of_scope" | "other";
                            note?: string;
                            identity?: string;
                            change?: string;
                            by: string;
                            at: string;
                        } | null;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    adoptDiscoveredAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id?: string;
                    /** @description an e-mail address */
                    owner: string;
                    purpose: string;
                    /** @enum {string} */
                    function: "custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security";
                    scopes: ({
                        entity: string;
                        /**
                         * @description MiCA crypto-asset service id
                         * @enum {string}
                         */
                        service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                        /**
                         * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                         * @enum {string}
                         */
                        jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                    } | {
                        product: string;
                        channel?: string;
                    })[];
                    /** @enum {string} */
                    environment?: "production" | "staging" | "development";
                    labels?: {
                        [key: string]: string;
                    };
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** IdentityRecord */
                        identity: {
                            id: string;
                            /** @enum {string} */
                            kind: "service_account" | "api_key" | "workload" | "signing_key" | "pipeline" | "wallet_integration" | "ai_agent";
                            /** @enum {string} */
                            function: "custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security";
                            /** @enum {string} */
                            capability: "observe" | "execute";
                            /** @description an e-mail address */
                            owner?: string;
                            purpose?: string;
                            scopes: ({
                                entity: string;
                                /**
                                 * @description MiCA crypto-asset service id
                                 * @enum {string}
                                 */
                                service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                                /**
                                 * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                                 * @enum {string}
                                 */
                                jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                            } | {
                                product: string;
                                channel?: string;
                            })[];
                            /** @description entitled actions; default per function */
                            actions?: string[];
                            /** @enum {string} */
                            environment: "production" | "staging" | "development";
                            vendor?: string;
                            /** @default false */
                            break_glass: boolean;
                            /** @description credential metadata only: Mandate never takes the secret itself */
                            credential: {
                                /** @enum {string} */
                                type: "short_lived" | "static_secret" | "certificate" | "key_pair";
                                /** @description ISO 8601 date or date-time with zone */
                                created: string;
                                /** @description ISO 8601 date or date-time with zone */
                                last_rotated?: string;
                                /** @description ISO 8601 date or date-time with zone */
                                expires?: string;
                            };
                            revocation?: {
                                /** @description e.g. postgres, redis, rabbitmq, webhook, manual */
                                connector: string;
                                /** @description what the connector switches off, e.g. a role or user name */
                                target: string;
                            };
                            /**
                             * @description default active
                             * @enum {string}
                             */
                            status?: "active" | "suspended" | "revoked" | "decommissioned";
                            labels?: {
                                [key: string]: string;
                            };
                            /** @description ISO 8601 date or date-time with zone */
                            last_used?: string;
                            /** @description increases with every change; the ETag */
                            readonly version: number;
                            readonly created_at: string;
                            readonly updated_at: string;
                        };
                        /** DiscoveredAccount */
                        account: {
                            key: string;
                            source: string;
                            native_id: string;
                            /** @enum {string} */
                            state: "matched" | "unmanaged" | "missing" | "drift";
                            drift: string[];
                            identity: string | null;
                            account: {
                                source: string;
                                kind: string;
                                native_id: string;
                                name: string;
                                type: string;
                                enabled: boolean;
                                can_login: boolean;
                                credentials: {
                                    /** @enum {string} */
                                    type: "password" | "key" | "token" | "certificate" | "none";
                                    count?: number;
                                    /** @enum {string} */
                                    lifetime?: "static" | "short_lived";
                                    label?: string;
                                    created?: string;
                                    last_rotated?: string;
                                    expires?: string;
                                    last_used?: string;
                                    fingerprint?: string;
                                    active?: boolean;
                                }[];
                                /** @enum {string} */
                                privilege: "none" | "observe" | "execute";
                                grants: {
                                    /** @enum {string} */
                                    privilege: "observe" | "execute";
                                    grant: string;
                                }[];
                                grants_total: number;
                                sessions: {
                                    user: string;
                                    application?: string;
                                    client_address?: string;
                                    started?: string;
                                    interactive: boolean;
                                }[];
                                sessions_total: number;
                                /** @enum {string} */
                                environment?: "production" | "staging" | "development";
                                attributes?: {
                                    [key: string]: string | number | boolean;
                                };
                                last_used?: string;
                            } | null;
                            evidence: {
                                /** @enum {string} */
                                type: "grant" | "session" | "credential" | "login" | "account" | "identity" | "source";
                                detail: string;
                                at?: string;
                            }[];
                            findings: {
                                check: string;
                                /** @enum {string} */
                                severity: "low" | "medium" | "high" | "critical";
                                title: string;
                                detail: string;
                                controls: string[];
                                subject: {
                                    /** @enum {string} */
                                    type: "identity" | "observed_account";
                                    id: string;
                                };
                                owner: string | null;
                                scopes: string[];
                            }[];
                            first_seen: string;
                            last_seen: string;
                            disposition: {
                                /** @enum {string} */
                                kind: "adopted" | "dismissed";
                                /** @enum {string} */
                                reason?: "not_an_nhi" | "personal_account" | "out_of_scope" | "other";
                                note?: string;
                                identity?: string;
                                change?: string;
                                by: string;
                                at: string;
                            } | null;
                        };
                    };
                };
            };
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        kind: "identity_change";
                        requester: string;
                        /** @enum {string} */
                        status: "pending" | "applied" | "rejected" | "expired" | "cancelled";
                        /** @description the identity's version the change applies on top of (0: it creates the identity) */
                        base_version: number;
                        change: {
                            /** Identity */
                            identity: {
                                id: string;
                                /** @enum {string} */
                                kind: "service_account" | "api_key" | "workload" | "signing_key" | "pipeline" | "wallet_integration" | "ai_agent";
                                /** @enum {string} */
                                function: "custody" | "trading" | "settlement" | "reconciliation" | "customer_support" | "reporting" | "infrastructure" | "release_engineering" | "update_distribution" | "device_management" | "product_security";
                                /** @enum {string} */
                                capability: "observe" | "execute";
                                /** @description an e-mail address */
                                owner?: string;
                                purpose?: string;
                                scopes: ({
                                    entity: string;
                                    /**
                                     * @description MiCA crypto-asset service id
                                     * @enum {string}
                                     */
                                    service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                                    /**
                                     * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                                     * @enum {string}
                                     */
                                    jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                                } | {
                                    product: string;
                                    channel?: string;
                                })[];
                                /** @description entitled actions; default per function */
                                actions?: string[];
                                /** @enum {string} */
                                environment: "production" | "staging" | "development";
                                vendor?: string;
                                /** @default false */
                                break_glass: boolean;
                                /** @description credential metadata only: Mandate never takes the secret itself */
                                credential: {
                                    /** @enum {string} */
                                    type: "short_lived" | "static_secret" | "certificate" | "key_pair";
                                    /** @description ISO 8601 date or date-time with zone */
                                    created: string;
                                    /** @description ISO 8601 date or date-time with zone */
                                    last_rotated?: string;
                                    /** @description ISO 8601 date or date-time with zone */
                                    expires?: string;
                                };
                                revocation?: {
                                    /** @description e.g. postgres, redis, rabbitmq, webhook, manual */
                                    connector: string;
                                    /** @description what the connector switches off, e.g. a role or user name */
                                    target: string;
                                };
                                /**
                                 * @description default active
                                 * @enum {string}
                                 */
                                status?: "active" | "suspended" | "revoked" | "decommissioned";
                                labels?: {
                                    [key: string]: string;
                                };
                                /** @description ISO 8601 date or date-time with zone */
                                last_used?: string;
                            };
                            /** @description how the change adds power */
                            gains: {
                                kind: string;
                                detail: string;
                            }[];
                            /** @description edit, create or import */
                            source: string;
                        };
                        result: {
                            version: number;
                        } | null;
                        /** Approval */
                        approval?: {
                            id: string;
                            /** @enum {string} */
                            kind: "transition" | "policy_change" | "lifecycle_rules_change" | "access" | "exception" | "break_glass" | "identity_change";
                            subject: {
                                type: string;
                                id: string;
                            };
                            requester: string;
                            owner: string | null;
                            summary: string;
                            /** @description what the request is about, by kind */
                            detail: {
                                [key: string]: unknown;
                            };
                            /** @description the approval rule that decides it */
                            rule: string;
                            /** @description approvals needed */
                            required: number;
                            roles: ("viewer" | "operator" | "compliance_officer" | "approver" | "admin" | "enforcer" | "monitor" | "ssf_receiver")[];
                            /** @enum {string} */
                            status: "pending" | "approved" | "rejected" | "expired" | "cancelled";
                            votes: {
                                voter: string;
                                /** @enum {string} */
                                decision: "approve" | "reject";
                                reason: string | null;
                                at: string;
                            }[];
                            created_at: string;
                            expires_at: string;
                            decided_at: string | null;
                            outcome: string | null;
                            /** @description set when the request was decided on an emergency path (a break-glass unseal, an emergency transition): approved with no vote, so nobody approved it; null for a request decided by votes */
                            emergency: {
                                /**
                                 * @description the post-incident review it owes: open until someone other than who took the path closes it
                                 * @enum {string}
                                 */
                                review: "open" | "done" | "none";
                                reviewed_by: string | null;
                                reviewed_at: string | null;
                            } | null;
                        };
                        created_at: string;
                        /** DiscoveredAccount */
                        account: {
                            key: string;
                            source: string;
                            native_id: string;
                            /** @enum {string} */
                            state: "matched" | "unmanaged" | "missing" | "drift";
                            drift: string[];
                            identity: string | null;
                            account: {
                                source: string;
                                kind: string;
                                native_id: string;
                                name: string;
                                type: string;
                                enabled: boolean;
                                can_login: boolean;
                                credentials: {
                                    /** @enum {string} */
                                    type: "password" | "key" | "token" | "certificate" | "none";
                                    count?: number;
                                    /** @enum {string} */
                                    lifetime?: "static" | "short_lived";
                                    label?: string;
                                    created?: string;
                                    last_rotated?: string;
                                    expires?: string;
                                    last_used?: string;
                                    fingerprint?: string;
                                    active?: boolean;
                                }[];
                                /** @enum {string} */
                                privilege: "none" | "observe" | "execute";
                                grants: {
                                    /** @enum {string} */
                                    privilege: "observe" | "execute";
                                    grant: string;
                                }[];
                                grants_total: number;
                                sessions: {
                                    user: string;
                                    application?: string;
                                    client_address?: string;
                                    started?: string;
                                    interactive: boolean;
                                }[];
                                sessions_total: number;
                                /** @enum {string} */
                                environment?: "production" | "staging" | "development";
                                attributes?: {
                                    [key: string]: string | number | boolean;
                                };
                                last_used?: string;
                            } | null;
                            evidence: {
                                /** @enum {string} */
                                type: "grant" | "session" | "credential" | "login" | "account" | "identity" | "source";
                                detail: string;
                                at?: string;
                            }[];
                            findings: {
                                check: string;
                                /** @enum {string} */
                                severity: "low" | "medium" | "high" | "critical";
                                title: string;
                                detail: string;
                                controls: string[];
                                subject: {
                                    /** @enum {string} */
                                    type: "identity" | "observed_account";
                                    id: string;
                                };
                                owner: string | null;
                                scopes: string[];
                            }[];
                            first_seen: string;
                            last_seen: string;
                            disposition: {
                                /** @enum {string} */
                                kind: "adopted" | "dismissed";
                                /** @enum {string} */
                                reason?: "not_an_nhi" | "personal_account" | "out_of_scope" | "other";
                                note?: string;
                                identity?: string;
                                change?: string;
                                by: string;
                                at: string;
                            } | null;
                        };
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    decide: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description an identity, a person (the caller asserts the context), a Mandate access token, or a signed-in person’s session (the person, their roles and their sign-in’s facts are read from the session: mfa, session_age_seconds, acr, device_posture) */
                    principal: {
                        identity: string;
                    } | {
                        person: string;
                    } | {
                        token: string;
                    } | {
                        /** @description a signed-in person: `self` for the caller’s own session (the request is made with it), or the session’s secret (`mds_…`) an enforcement point was handed by the person. Never recorded: the evidence names the session’s id */
                        session: "self" | string;
                    };
                    /** @description an action of the vocabulary (an unknown one is denied) */
                    action: string;
                    resource: {
                        entity: string;
                        /**
                         * @description MiCA crypto-asset service id
                         * @enum {string}
                         */
                        service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                        /**
                         * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                         * @enum {string}
                         */
                        jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                        /** @description e.g. wallet, account */
                        kind?: string;
                        id?: string;
                    } | {
                        product: string;
                        channel?: string;
                        /** @description e.g. release, firmware, device */
                        kind?: string;
                        id?: string;
                    };
                    /** @description attested, session_purpose and environment are required unless the principal is a token; for a token, a value that differs from what the token carries is a deny (builtin:context-conflicts-with-token). device_posture is required unless the principal is a session; for a session, attested may be left out (false: a person is no attested workload), and device_posture, mfa, session_age_seconds and acr are the session’s: a value that differs is a deny (builtin:context-conflicts-with-session) */
                    context: {
                        /** @description the workload attestation passed; for a token principal, left out: the token’s att */
                        attested?: boolean;
                        /** @description required, except for a session principal: left out, the session’s (the provider’s device claim) */
                        device_posture?: "compliant" | "non_compliant" | "unknown";
                        /** @description for a token principal, left out: the token’s purpose */
                        session_purpose?: string;
                        /** @description for a token principal, left out: the token’s env */
                        environment?: "production" | "staging" | "development";
                        /** @description in the asset’s minor unit */
                        amount?: number;
                        /** @description session principal only: left out, the session’s (an MFA amr, or the step-up acr) */
                        mfa?: boolean;
                        /** @description session principal only: left out, now − the sign-in’s auth_time */
                        session_age_seconds?: number;
                        /** @description session principal only: left out, the sign-in’s acr */
                        acr?: string;
                    };
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        decision: "allow" | "deny";
                        reasons: string[];
                        policies: string[];
                        obligations: {
                            type: string;
                            policy: string;
                        }[];
                        principal: {
                            type: string;
                            id: string;
                        };
                        policy_version: number;
                        /** @description whether the decision is in the ledger (every execute decision, every refused token or action) */
                        recorded: boolean;
                        /** @description for a session principal: the id of the session whose facts decided */
                        session?: string;
                        /** @description the just-in-time grants, exceptions or break-glass activations the answer relied on */
                        relied_on?: {
                            type: "access" | "exception" | "break_glass";
                            id: string;
                            expires_at: string;
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    decideBatch: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    items: {
                        /** @description an identity, a person (the caller asserts the context), a Mandate access token, or a signed-in person’s session (the person, their roles and their sign-in’s facts are read from the session: mfa, session_age_seconds, acr, device_posture) */
                        principal: {
                            identity: string;
                        } | {
                            person: string;
                        } | {
                            token: string;
                        } | {
                            /** @description a signed-in person: `self` for the caller’s own session (the request is made with it), or the session’s secret (`mds_…`) an enforcement point was handed by the person. Never recorded: the evidence names the session’s id */
                            session: "self" | string;
                        };
                        /** @description an action of the vocabulary (an unknown one is denied) */
                        action: string;
                        resource: {
                            entity: string;
                            /**
                             * @description MiCA crypto-asset service id
                             * @enum {string}
                             */
                            service: "custody" | "trading_platform" | "exchange_funds" | "exchange_crypto" | "execution" | "placing" | "reception_transmission" | "advice" | "portfolio_management" | "transfer";
                            /**
                             * @description ISO 3166-1 alpha-2 code of an EU/EEA member state
                             * @enum {string}
                             */
                            jurisdiction: "AT" | "BE" | "BG" | "HR" | "CY" | "CZ" | "DK" | "EE" | "FI" | "FR" | "DE" | "GR" | "HU" | "IE" | "IT" | "LV" | "LT" | "LU" | "MT" | "NL" | "PL" | "PT" | "RO" | "SK" | "SI" | "ES" | "SE" | "IS" | "LI" | "NO";
                            /** @description e.g. wallet, account */
                            kind?: string;
                            id?: string;
                        } | {
                            product: string;
                            channel?: string;
                            /** @description e.g. release, firmware, device */
                            kind?: string;
                            id?: string;
                        };
                        /** @description attested, session_purpose and environment are required unless the principal is a token; for a token, a value that differs from what the token carries is a deny (builtin:context-conflicts-with-token). device_posture is required unless the principal is a session; for a session, attested may be left out (false: a person is no attested workload), and device_posture, mfa, session_age_seconds and acr are the session’s: a value that differs is a deny (builtin:context-conflicts-with-session) */
                        context: {
                            /** @description the workload attestation passed; for a token principal, left out: the token’s att */
                            attested?: boolean;
                            /** @description required, except for a session principal: left out, the session’s (the provider’s device claim) */
                            device_posture?: "compliant" | "non_compliant" | "unknown";
                            /** @description for a token principal, left out: the token’s purpose */
                            session_purpose?: string;
                            /** @description for a token principal, left out: the token’s env */
                            environment?: "production" | "staging" | "development";
                            /** @description in the asset’s minor unit */
                            amount?: number;
                            /** @description session principal only: left out, the session’s (an MFA amr, or the step-up acr) */
                            mfa?: boolean;
                            /** @description session principal only: left out, now − the sign-in’s auth_time */
                            session_age_seconds?: number;
                            /** @description session principal only: left out, the sign-in’s acr */
                            acr?: string;
                        };
                    }[];
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            decision: "allow" | "deny";
                            reasons: string[];
                            policies: string[];
                            obligations: {
                                type: string;
                                policy: string;
                            }[];
                            principal: {
                                type: string;
                                id: string;
                            };
                            policy_version: number;
                            /** @description whether the decision is in the ledger (every execute decision, every refused token or action) */
                            recorded: boolean;
                            /** @description for a session principal: the id of the session whose facts decided */
                            session?: string;
                            /** @description the just-in-time grants, exceptions or break-glass activations the answer relied on */
                            relied_on?: {
                                type: "access" | "exception" | "break_glass";
                                id: string;
                                expires_at: string;
                            }[];
                        }[];
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    reportDecisions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    decisions: {
                        /** @description epoch milliseconds at the enforcement point */
                        at: number;
                        principal: {
                            type: string;
                            id: string;
                            jti?: string;
                        };
                        action: string;
                        resource: {
                            [key: string]: unknown;
                        };
                        context: {
                            [key: string]: unknown;
                        };
                        decision: "allow" | "deny";
                        policies: string[];
                        reasons: string[];
                    }[];
                    enforcement_point: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        recorded: number;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getEnforcementSnapshot: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        seq: number;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    streamEnforcement: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description an endless stream: `event: snapshot|delta|heartbeat`, an `id:` (its seq) on snapshot and delta, `data:` JSON */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getSsfConfiguration: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        spec_version: string;
                        issuer: string;
                        jwks_uri: string;
                        delivery_methods_supported: string[];
                        configuration_endpoint: string;
                        status_endpoint: string;
                        add_subject_endpoint: string;
                        remove_subject_endpoint: string;
                        verification_endpoint: string;
                        authorization_schemes: {
                            spec_urn: string;
                        }[];
                        default_subjects: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getSsfStreams: {
        parameters: {
            query?: {
                /** @description the stream_id */
                stream_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        stream_id: string;
                        iss: string;
                        aud: string | string[];
                        events_supported: string[];
                        events_requested: string[];
                        events_delivered: string[];
                        /** @description the Authorization header of a push stream is never answered */
                        delivery: {
                            method: string;
                            endpoint_url: string;
                        };
                        min_verification_interval: number;
                        description?: string;
                        /** @enum {string} */
                        default_subjects: "ALL" | "NONE";
                    } | {
                        stream_id: string;
                        iss: string;
                        aud: string | string[];
                        events_supported: string[];
                        events_requested: string[];
                        events_delivered: string[];
                        /** @description the Authorization header of a push stream is never answered */
                        delivery: {
                            method: string;
                            endpoint_url: string;
                        };
                        min_verification_interval: number;
                        description?: string;
                        /** @enum {string} */
                        default_subjects: "ALL" | "NONE";
                    }[];
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    replaceSsfStream: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description the stream_id */
                    stream_id: string;
                    events_requested?: string[];
                    delivery?: {
                        /** @description urn:ietf:rfc:8935 (push) or urn:ietf:rfc:8936 (poll) */
                        method: string;
                        /** @description push: the receiver URL; poll: given by Mandate (ignored if sent) */
                        endpoint_url?: string;
                        /** @description push: sent as Authorization with every SET; stored sealed, never answered */
                        authorization_header?: string;
                    };
                    description?: string;
                    /** @description ALL (default): every identity but the subjects removed; NONE: only the subjects added */
                    default_subjects?: "ALL" | "NONE";
                    iss?: string;
                    aud?: string | string[];
                    events_supported?: string[];
                    events_delivered?: string[];
                    min_verification_interval?: number;
                    inactivity_timeout?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        stream_id: string;
                        iss: string;
                        aud: string | string[];
                        events_supported: string[];
                        events_requested: string[];
                        events_delivered: string[];
                        /** @description the Authorization header of a push stream is never answered */
                        delivery: {
                            method: string;
                            endpoint_url: string;
                        };
                        min_verification_interval: number;
                        description?: string;
                        /** @enum {string} */
                        default_subjects: "ALL" | "NONE";
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    createSsfStream: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    events_requested?: string[];
                    delivery?: {
                        /** @description urn:ietf:rfc:8935 (push) or urn:ietf:rfc:8936 (poll) */
                        method: string;
                        /** @description push: the receiver URL; poll: given by Mandate (ignored if sent) */
                        endpoint_url?: string;
                        /** @description push: sent as Authorization with every SET; stored sealed, never answered */
                        authorization_header?: string;
                    };
                    description?: string;
                    /** @description ALL (default): every identity but the subjects removed; NONE: only the subjects added */
                    default_subjects?: "ALL" | "NONE";
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        stream_id: string;
                        iss: string;
                        aud: string | string[];
                        events_supported: string[];
                        events_requested: string[];
                        events_delivered: string[];
                        /** @description the Authorization header of a push stream is never answered */
                        delivery: {
                            method: string;
                            endpoint_url: string;
                        };
                        min_verification_interval: number;
                        description?: string;
                        /** @enum {string} */
                        default_subjects: "ALL" | "NONE";
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    deleteSsfStream: {
        parameters: {
            query: {
                /** @description the stream_id */
                stream_id: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    updateSsfStream: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description the stream_id */
                    stream_id: string;
                    events_requested?: string[];
                    delivery?: {
                        /** @description urn:ietf:rfc:8935 (push) or urn:ietf:rfc:8936 (poll) */
                        method: string;
                        /** @description push: the receiver URL; poll: given by Mandate (ignored if sent) */
                        endpoint_url?: string;
                        /** @description push: sent as Authorization with every SET; stored sealed, never answered */
                        authorization_header?: string;
                    };
                    description?: string;
                    /** @description ALL (default): every identity but the subjects removed; NONE: only the subjects added */
                    default_subjects?: "ALL" | "NONE";
                    iss?: string;
                    aud?: string | string[];
                    events_supported?: string[];
                    events_delivered?: string[];
                    min_verification_interval?: number;
                    inactivity_timeout?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        stream_id: string;
                        iss: string;
                        aud: string | string[];
                        events_supported: string[];
                        events_requested: string[];
                        events_delivered: string[];
                        /** @description the Authorization header of a push stream is never answered */
                        delivery: {
                            method: string;
                            endpoint_url: string;
                        };
                        min_verification_interval: number;
                        description?: string;
                        /** @enum {string} */
                        default_subjects: "ALL" | "NONE";
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    getSsfStreamStatus: {
        parameters: {
            query: {
                /** @description the stream_id */
                stream_id: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        stream_id: string;
                        /** @enum {string} */
                        status: "enabled" | "paused" | "disabled";
                        reason?: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    updateSsfStreamStatus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description the stream_id */
                    stream_id: string;
                    status: "enabled" | "paused" | "disabled";
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        stream_id: string;
                        /** @enum {string} */
                        status: "enabled" | "paused" | "disabled";
                        reason?: string;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    addSsfSubject: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description the stream_id */
                    stream_id: string;
                    /** @description opaque {id} or iss_sub {iss, sub}: a Mandate identity */
                    subject: {
                        format: string;
                    } & {
                        [key: string]: unknown;
                    };
                    /** @description whether the receiver verified the subject (default true) */
                    verified?: boolean;
                };
            };
        };
        responses: {
            /** @description added: an empty body (whether the identity exists is not said) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": string;
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    removeSsfSubject: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description the stream_id */
                    stream_id: string;
                    /** @description opaque {id} or iss_sub {iss, sub}: a Mandate identity */
                    subject: {
                        format: string;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
        };
        responses: {
            /** @description removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    verifySsfStream: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description the stream_id */
                    stream_id: string;
                    state?: string;
                };
            };
        };
        responses: {
            /** @description the verification event is on its way */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
    pollSsfStream: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the stream_id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    maxEvents?: number;
                    returnImmediately?: boolean;
                    ack?: string[];
                    setErrs?: {
                        [key: string]: {
                            err: string;
                            description?: string;
                        };
                    };
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        sets: {
                            [key: string]: string;
                        };
                        moreAvailable?: boolean;
                    };
                };
            };
            /** @description RFC 9457 problem details */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": {
                        type: string;
                        title: string;
                        status: number;
                        code: string;
                        detail: string;
                        field?: string;
                        errors?: {
                            field: string;
                            reason: string;
                            record?: string;
                            kind?: string;
                        }[];
                        instance?: string;
                        /** @description OAuth endpoints: the RFC 6749 error code */
                        error?: string;
                        error_description?: string;
                        /** @description STEP_UP_REQUIRED: what the sign-in lacks and where to step up */
                        step_up?: {
                            need: "mfa" | "recent_sign_in" | "sign_in";
                            /** @description sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry */
                            url: string;
                            max_age_seconds?: number;
                            acr?: string;
                        };
                    };
                };
            };
        };
    };
}
