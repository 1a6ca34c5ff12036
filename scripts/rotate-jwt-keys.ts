/**
 * Writes the services' secrets into SSM Parameter Store, where Terraform created the parameters
 * with placeholders and never looks at their values again (docs/adr/0011). Which secrets there are
 * comes from the manifests (`secrets` in each `services/<name>/service.json`), each parameter named
 * `/tessera/<env>/<service>/<secret>`:
 *
 * - a `jwk-private-set` (SecureString, the users service's `jwt-private-keys`): the Jwk set a
 *   function signs with; the first key with a private part signs, every key verifies;
 * - its `jwk-public-set` (String, `jwt-public-keys`): the same keys without private parts, for the
 *   API authorizer and `GET /.well-known/jwks.json`;
 * - every `random` secret (SecureString, each service's `cursor-secret`): 64 random characters; every
 *   one still holding a placeholder (or anything shorter than 32 characters) is set.
 *
 * With `--apply` each run takes one step per key set, decided from what the parameters hold:
 *
 * 1. no key yet: a new ES256 key signs at once;
 * 2. one signing key: a new key is staged, second in the set: it verifies everywhere but does not
 *    sign yet, because functions that are already warm keep the keys they loaded until they restart;
 * 3. a staged key: it becomes the signing key; the old one stays as a public key for the tokens it
 *    signed (15 minutes at most), and keys beyond `--keep` are dropped.
 *
 * So a rotation is two runs, the second once every container has restarted (a day later, or after
 * a deploy of new code). The public set is written before the private one, so no function can sign
 * with a key the authorizer could not have read. Secrets go to AWS through the SDK, never on a
 * command line; nothing secret is printed.
 *
 * Without `--apply`, nothing is read or written: it prints a fresh key set, its public half and a
 * cursor secret as JSON, for setting the parameters by hand.
 *
 * Usage: npx tsx scripts/rotate-jwt-keys.ts <dev|staging|prod> [--apply] [--keep <n>]
 *          [--rotate-cursor-secret] [--region <name>]
 * Credentials and region come from the usual AWS environment (AWS_PROFILE, AWS_REGION, ...).
 */
import { loadServiceManifests, type Manifest, parameterName } from '../packages/tooling/src/manifests.ts';
import {
  type Jwk,
  newRandomSecret,
  newSigningKey,
  publicKeyOf,
} from '../packages/tooling/src/secret-values.ts';

const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
/** Shorter than this is a placeholder (Terraform writes `unset`), never a real random secret. */
const MIN_RANDOM_SECRET_LENGTH = 32;

interface Options {
  readonly environment: (typeof ENVIRONMENTS)[number];
  readonly apply: boolean;
  readonly keep: number;
  readonly rotateCursorSecret: boolean;
  readonly region: string | undefined;
}

interface KeySet {
  readonly keys: Jwk[];
}

const usage = `Usage: npx tsx scripts/rotate-jwt-keys.ts <dev|staging|prod> [--apply] [--keep <n>] [--rotate-cursor-secret] [--region <name>]

  --apply                 write to SSM Parameter Store (otherwise print fresh values, write nothing)
  --keep <n>              keys kept in the sets after a rotation, the signing key included (default 2)
  --rotate-cursor-secret  also replace the cursor secret (outstanding list cursors stop working)
  --region <name>         AWS region (default: AWS_REGION or your profile's)`;

const fail = (message: string): never => {
  console.error(`rotate-jwt-keys: ${message}`);
  process.exit(2);
};

const parseOptions = (argv: readonly string[]): Options => {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    process.exit(0);
  }
  let environment: string | undefined;
  let keep = 2;
  let region: string | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument === '--keep') {
      keep = Number(argv[++index]);
      if (!Number.isInteger(keep) || keep < 2) fail('--keep takes a whole number of at least 2');
    } else if (argument === '--region') {
      region = argv[++index] ?? fail('--region takes a region name');
    } else if (argument === '--apply' || argument === '--rotate-cursor-secret') {
      // read below
    } else if (argument?.startsWith('-')) {
      fail(`unknown option ${argument}\n${usage}`);
    } else if (environment === undefined) {
      environment = argument;
    } else {
      fail(`unexpected argument ${argument}\n${usage}`);
    }
  }
  const known = ENVIRONMENTS.find((name) => name === environment);
  if (!known) return fail(`name the environment: one of ${ENVIRONMENTS.join(', ')}\n${usage}`);
  return {
    environment: known,
    apply: argv.includes('--apply'),
    keep,
    rotateCursorSecret: argv.includes('--rotate-cursor-secret'),
    region,
  };
};

const hasPrivatePart = (key: Jwk) => key.d !== undefined;

const newCursorSecret = () => newRandomSecret(48);

interface Step {
  readonly description: string;
  readonly privateSet: KeySet;
}

/** Decides the next step of a rotation from the current private key set. */
const nextStep = async (current: readonly Jwk[], keep: number): Promise<Step> => {
  const [signer, ...others] = current;
  if (!signer || !hasPrivatePart(signer)) {
    const key = newSigningKey();
    return { description: `initialised: key ${key.kid} signs`, privateSet: { keys: [key] } };
  }
  const staged = others.find(hasPrivatePart);
  if (!staged) {
    const key = newSigningKey();
    return {
      description: `staged key ${key.kid}; ${signer.kid} still signs. Run again once every users and authorizer container has restarted (a day, or after deploying new code) to make ${key.kid} sign.`,
      privateSet: { keys: [signer, key, ...others.map(publicKeyOf)] },
    };
  }
  const retired = [signer, ...others.filter((key) => key !== staged)].map(publicKeyOf);
  const kept = [staged, ...retired].slice(0, keep);
  return {
    description: `promoted key ${staged.kid}: it signs now; kept for verification: ${
      kept
        .slice(1)
        .map((key) => key.kid)
        .join(', ') || 'none'
    }`,
    privateSet: { keys: kept },
  };
};

const printFreshValues = async () => {
  const key = newSigningKey();
  console.error('These are secrets: store them in SSM Parameter Store, then clear your terminal.');
  console.log(
    JSON.stringify(
      {
        'jwt-private-keys': { keys: [key] },
        'jwt-public-keys': { keys: [publicKeyOf(key)] },
        'cursor-secret': newCursorSecret(),
      },
      null,
      2,
    ),
  );
};

interface KeySetParameters {
  readonly privateKeys: string;
  /** The public half, when the manifest declares one. */
  readonly publicKeys: string | undefined;
}

/** The parameters of an environment this script writes, from the manifests' secrets. */
const secretParameters = (
  manifests: readonly Manifest[],
  environment: string,
): { readonly keySets: KeySetParameters[]; readonly randoms: string[] } => {
  const keySets: KeySetParameters[] = [];
  const randoms: string[] = [];
  for (const manifest of manifests) {
    const name = (secret: string) => parameterName(environment, manifest.name, secret);
    for (const [id, secret] of Object.entries(manifest.secrets)) {
      if (secret.kind === 'random') randoms.push(name(id));
      if (secret.kind === 'jwk-private-set') {
        const publicHalf = Object.entries(manifest.secrets).find(
          ([, other]) => other.kind === 'jwk-public-set' && other.of === id,
        );
        keySets.push({ privateKeys: name(id), publicKeys: publicHalf ? name(publicHalf[0]) : undefined });
      }
    }
  }
  return { keySets, randoms };
};

/**
 * The random secrets to (re)write: those still holding Terraform's placeholder (anything too short
 * to be real), or every one with `--rotate-cursor-secret`.
 */
const randomSecretsToWrite = (
  parameters: ReadonlyArray<{ readonly name: string; readonly value: string }>,
  rotate: boolean,
): string[] =>
  parameters.filter((p) => rotate || p.value.length < MIN_RANDOM_SECRET_LENGTH).map((p) => p.name);

/** The keys of a parameter's Jwk set; a placeholder (`{"keys":[]}`, or anything unreadable) holds none. */
const keysOf = (value: string): Jwk[] => {
  try {
    const keys = (JSON.parse(value) as Partial<KeySet>).keys;
    return Array.isArray(keys) ? keys : [];
  } catch {
    return [];
  }
};

const applyToSsm = async (options: Options) => {
  const { SSMClient, GetParameterCommand, PutParameterCommand, DescribeParametersCommand } = await import(
    '@aws-sdk/client-ssm'
  );
  const ssm = new SSMClient(options.region ? { region: options.region } : {});
  const read = async (name: string): Promise<string> => {
    try {
      const result = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      return result.Parameter?.Value ?? '';
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return fail(
        `cannot read ${name} (${reason}). Has terraform apply run in terraform/environments/${options.environment}, with credentials for its account?`,
      );
    }
  };

  // Overwriting a SecureString without its key would move it to the default aws/ssm key.
  const keyIdOf = async (name: string): Promise<string | undefined> => {
    const result = await ssm.send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: [name] }],
      }),
    );
    return result.Parameters?.[0]?.KeyId;
  };

  const write = async (name: string, value: string, type: 'String' | 'SecureString') => {
    const keyId = type === 'SecureString' ? await keyIdOf(name) : undefined;
    await ssm.send(
      new PutParameterCommand({
        Name: name,
        Value: value,
        Type: type,
        Overwrite: true,
        ...(keyId ? { KeyId: keyId } : {}),
      }),
    );
  };

  const { keySets, randoms } = secretParameters(loadServiceManifests(), options.environment);
  for (const keySet of keySets) {
    const step = await nextStep(keysOf(await read(keySet.privateKeys)), options.keep);
    // The public set first, so no function can sign with a key the authorizer could not have read.
    if (keySet.publicKeys) {
      const publicSet: KeySet = { keys: step.privateSet.keys.map(publicKeyOf) };
      await write(keySet.publicKeys, JSON.stringify(publicSet), 'String');
    }
    await write(keySet.privateKeys, JSON.stringify(step.privateSet), 'SecureString');
    console.log(`${options.environment}: ${keySet.privateKeys}: ${step.description}`);
  }

  const current = await Promise.all(randoms.map(async (name) => ({ name, value: await read(name) })));
  for (const name of randomSecretsToWrite(current, options.rotateCursorSecret)) {
    await write(name, newCursorSecret(), 'SecureString');
    console.log(`${options.environment}: wrote a new random secret at ${name}`);
  }
};

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const options = parseOptions(process.argv.slice(2));
  if (options.apply) await applyToSsm(options);
  else await printFreshValues();
}

export { keysOf, nextStep, randomSecretsToWrite, secretParameters };
