/**
 * Writes the inputs and outputs tables of the Terraform READMEs from the code (between the
 * `<!-- BEGIN_TF_DOCS -->` and `<!-- END_TF_DOCS -->` markers of each `terraform/modules/<name>/README.md`
 * and of `terraform/README.md`), or with `--check` only reports the READMEs that would change and
 * exits non-zero. The check runs in `npm test`, with the Terraform checks (scripts/terraform-check.ts).
 *
 * Usage: `npx tsx scripts/terraform-docs.ts [--check]`
 */
import { repoRoot } from '../packages/tooling/src/repo.ts';
import { staleReadmes, writeReadmes } from './lib/terraform-docs.ts';

if (process.argv.includes('--check')) {
  const stale = staleReadmes(repoRoot);
  if (stale.length > 0) {
    console.error(
      `These READMEs do not match their Terraform code; run npx tsx scripts/terraform-docs.ts:\n  ${stale.join('\n  ')}`,
    );
    process.exitCode = 1;
  } else console.log('The Terraform READMEs match their code.');
} else {
  const written = writeReadmes(repoRoot);
  console.log(written.length === 0 ? 'The Terraform READMEs were current.' : `Wrote ${written.join(', ')}.`);
}
