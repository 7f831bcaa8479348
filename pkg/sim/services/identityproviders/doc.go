// Package identityproviders serves Qlik Cloud's identity providers
// (/api/v1/identity-providers, the idp spec): OIDC, SAML and jwtAuth
// providers with their options and pending (test) options, and Qlik's two
// built-in providers, which every tenant has and no one may change: Qlik
// Account (interactive, active while no custom interactive provider is) and
// the local bearer-token provider.
//
// Choices where Qlik does not say, from Qlik's help pages where they do:
//   - An OIDC clientSecret (in options and pendingOptions) is write-only:
//     an answer carries a fixed mask ("********") where one is set, and
//     nothing where none is. The spec does not say how Qlik masks it.
//   - Only one interactive provider is active at a time ("You can have
//     several different interactive IdPs configured in parallel, but only
//     one active at a time"): creating or activating a second one is
//     refused with 400. Deactivating the active one reverts the tenant to
//     Qlik Account, which then shows as active.
//   - The active interactive provider cannot be deleted (the spec's 400,
//     "The interactive IdP for the tenant can't be deleted"): it is the
//     last active interactive provider besides Qlik Account's fallback,
//     and users signed in through it would lose their way in.
//   - promote-options needs QLIK-IDP-POPTS-MATCH to match the hash the
//     provider's GET returns in QLIK-IDP-POPTS (412 otherwise); the
//     simulator has no interactive test, so a matching hash counts as a
//     verified test.
//
// Which provider a user signs in through is not in any of Qlik's APIs.
// The simulator records it (the seed names the users of each provider;
// anyone else signs in through the active interactive provider) and says
// it, for the caller, in the Qliksim-Identity-Provider header of every /api
// answer, the way the ip-policies service names the caller's address.
package identityproviders
