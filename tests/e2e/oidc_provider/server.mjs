// An OpenID Connect provider for the sign-in tests: panva's oidc-provider with one client,
// keys made at start, on loopback only. Its sign-in page (devInteractions) takes any login and
// any password; the login is the account's e-mail address. A login of the form
// "unverified:someone@example.org" gives an address the provider says it has not verified.
//
// Configured by the environment:
//   OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI (all required)
//   OIDC_EMAIL_IN_ID_TOKEN=1: put the e-mail claims in the ID token itself, as many providers
//     do; otherwise they are only at the userinfo endpoint, as the code flow's rules say.
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is required`);
    process.exit(2);
  }
  return value;
}

const port = Number.parseInt(required('OIDC_PORT'), 10);
const issuer = `http://127.0.0.1:${port}`;
const UNVERIFIED = 'unverified:';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: required('OIDC_CLIENT_ID'),
    client_secret: required('OIDC_CLIENT_SECRET'),
    redirect_uris: [required('OIDC_REDIRECT_URI')],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  conformIdTokenClaims: process.env.OIDC_EMAIL_IN_ID_TOKEN !== '1',
  // Every client proves its code with PKCE, not only public ones.
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const verified = !id.startsWith(UNVERIFIED);
    const email = verified ? id : id.slice(UNVERIFIED.length);
    return {
      accountId: id,
      async claims() {
        return { sub: id, email, email_verified: verified, name: email.split('@')[0] };
      },
    };
  },
});

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
