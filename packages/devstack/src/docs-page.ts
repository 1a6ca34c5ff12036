/**
 * The API reference page served at `GET /docs`: static HTML rendered from the contract, with no
 * script and nothing loaded from elsewhere, so it works offline and cannot drift from the
 * contract (ADR 0006).
 */
import type { Contract, ContractOperation, JsonSchema } from '@tessera/tooling/contract';

const escapeHtml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** The little Markdown the contract uses: paragraphs, `- ` lists and `code`. */
const prose = (text: string): string =>
  text
    .trim()
    .split(/\n{2,}/)
    .map((block) => {
      const inline = (s: string) => escapeHtml(s).replace(/`([^`]+)`/g, '<code>$1</code>');
      const lines = block.split('\n');
      if (lines.every((line) => /^\s*- /.test(line) || /^\s{2,}\S/.test(line))) {
        const items = block
          .split(/\n(?=\s*- )/)
          .map((item) => `<li>${inline(item.replace(/^\s*- /, ''))}</li>`);
        return `<ul>${items.join('')}</ul>`;
      }
      return `<p>${inline(block)}</p>`;
    })
    .join('\n');

const SCHEMA_REF = '#/components/schemas/';

const typeLabel = (schema: JsonSchema): string => {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.slice(SCHEMA_REF.length);
    return `<a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a>`;
  }
  if (Array.isArray(schema.enum))
    return schema.enum.map((v) => `<code>${escapeHtml(String(v))}</code>`).join(' | ');
  if (schema.type === 'array') return `array of ${typeLabel((schema.items ?? {}) as JsonSchema)}`;
  if (schema.type === 'object' && typeof schema.additionalProperties === 'object') {
    return `map of ${typeLabel(schema.additionalProperties as JsonSchema)}`;
  }
  const format = typeof schema.format === 'string' ? ` (${escapeHtml(schema.format)})` : '';
  return `${escapeHtml(String(schema.type ?? 'any'))}${format}${schema.nullable === true ? ' or null' : ''}`;
};

const constraints = (schema: JsonSchema): string => {
  const parts: string[] = [];
  const show = (key: string, label: string) => {
    if (schema[key] !== undefined) parts.push(`${label} ${escapeHtml(JSON.stringify(schema[key]))}`);
  };
  show('minLength', 'min length');
  show('maxLength', 'max length');
  show('minimum', 'min');
  show('maximum', 'max');
  show('minItems', 'min items');
  show('minProperties', 'min fields');
  show('default', 'default');
  show('example', 'example');
  return parts.join(', ');
};

const fieldsTable = (schema: JsonSchema): string => {
  const properties = Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>);
  if (properties.length === 0) return `<p>${typeLabel(schema)}</p>`;
  const required = new Set((schema.required ?? []) as string[]);
  const rows = properties.map(
    ([name, prop]) =>
      `<tr><td><code>${escapeHtml(name)}</code>${required.has(name) ? ' <span class="req">required</span>' : ''}</td><td>${typeLabel(prop)}</td><td>${[
        typeof prop.description === 'string' ? escapeHtml(prop.description) : '',
        constraints(prop),
      ]
        .filter(Boolean)
        .join('<br>')}</td></tr>`,
  );
  const closed =
    schema.additionalProperties === false ? '<p class="note">No other fields are accepted.</p>' : '';
  return `<table><thead><tr><th>Field</th><th>Type</th><th>Notes</th></tr></thead><tbody>${rows.join('')}</tbody></table>${closed}`;
};

const access = (op: ContractOperation): string => {
  if (!op.secured) return '<span class="badge public">public</span>';
  const roles = op.roles
    ? ` · roles: ${op.roles.map((r) => `<code>${escapeHtml(r)}</code>`).join(', ')}`
    : '';
  return `<span class="badge auth">bearer token</span>${roles}`;
};

const operationSection = (op: ContractOperation): string => {
  const params =
    op.parameters.length === 0
      ? ''
      : `<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Notes</th></tr></thead><tbody>${op.parameters
          .map(
            (p) =>
              `<tr><td><code>${escapeHtml(p.name)}</code>${p.required ? ' <span class="req">required</span>' : ''}</td><td>${p.in}</td><td>${typeLabel(p.schema)}</td><td>${[
                p.description ? escapeHtml(p.description) : '',
                constraints(p.schema),
              ]
                .filter(Boolean)
                .join('<br>')}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  const body = op.requestBody
    ? `<h4>Request body <code>${escapeHtml(op.requestBody.contentType)}</code>${op.requestBody.required ? '' : ' (optional)'}</h4><p>${typeLabel(op.requestBody.schema)}</p>`
    : '';
  const responses = `<h4>Responses</h4><table><tbody>${op.responses
    .map(
      (r) =>
        `<tr><td class="status s${String(r.status)[0]}">${r.status}</td><td>${escapeHtml(r.description)}</td><td>${r.schema ? typeLabel(r.schema) : ''}${r.contentType ? ` <code>${escapeHtml(r.contentType)}</code>` : ''}</td></tr>`,
    )
    .join('')}</tbody></table>`;
  return `<section class="op" id="op-${escapeHtml(op.operationId)}">
<h3><span class="method ${op.method.toLowerCase()}">${op.method}</span> <code>${escapeHtml(op.path)}</code></h3>
<p class="summary">${escapeHtml(op.summary)} · ${access(op)} · service <code>${escapeHtml(op.service)}</code> · <code>${escapeHtml(op.operationId)}</code></p>
${prose(op.description)}${params}${body}${responses}
</section>`;
};

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2430;display:grid;grid-template-columns:260px 1fr}
nav{position:sticky;top:0;height:100vh;overflow:auto;background:#f4f6f9;padding:1rem;border-right:1px solid #dde2ea}
nav a{display:block;color:#1d2430;text-decoration:none;font-size:13px;padding:2px 0}nav h2{font-size:13px;text-transform:uppercase;color:#667}
main{padding:1.5rem 2.5rem;max-width:980px}code{background:#eef1f5;padding:0 4px;border-radius:3px;font-size:13px}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border-bottom:1px solid #e3e7ee;padding:4px 8px;text-align:left;vertical-align:top;font-size:14px}
.op{border-top:1px solid #dde2ea;padding-top:1rem;margin-top:1.5rem}.method{font-weight:700;padding:2px 8px;border-radius:4px;color:#fff;font-size:13px}
.get{background:#2f7d32}.post{background:#1565c0}.put{background:#6a1b9a}.patch{background:#ef6c00}.delete{background:#c62828}
.badge{font-size:12px;padding:1px 6px;border-radius:8px;border:1px solid}.public{color:#2f7d32}.auth{color:#1565c0}
.req{color:#c62828;font-size:11px}.status{font-weight:700;width:3em}.s2{color:#2f7d32}.s4{color:#ef6c00}.s5{color:#c62828}.note,.summary{color:#556}`;

/**
 * Renders the reference page for a contract.
 *
 * @example
 * const html = renderDocsPage(loadContract());
 */
const renderDocsPage = (contract: Contract): string => {
  const info = (contract.document.info ?? {}) as JsonSchema;
  const tags = ((contract.document.tags ?? []) as JsonSchema[]).map((t) => String(t.name));
  const byTag = tags.map((tag) => ({ tag, ops: contract.operations.filter((op) => op.tags.includes(tag)) }));
  const nav = byTag
    .map(
      ({ tag, ops }) =>
        `<h2>${escapeHtml(tag)}</h2>${ops.map((op) => `<a href="#op-${escapeHtml(op.operationId)}">${op.method} ${escapeHtml(op.path)}</a>`).join('')}`,
    )
    .join('');
  const schemas = Object.entries(contract.schemas)
    .map(
      ([name, schema]) =>
        `<section id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3>${typeof schema.description === 'string' ? prose(schema.description) : ''}${fieldsTable(schema)}</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(String(info.title ?? 'API'))} reference</title><style>${STYLE}</style></head>
<body><nav><strong>${escapeHtml(String(info.title ?? 'API'))} ${escapeHtml(String(info.version ?? ''))}</strong>${nav}<h2>Schemas</h2>${Object.keys(
    contract.schemas,
  )
    .map((name) => `<a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a>`)
    .join('')}<h2>Contract</h2><a href="/openapi.json">openapi.json</a></nav>
<main><h1>${escapeHtml(String(info.title ?? 'API'))} <small>${escapeHtml(String(info.version ?? ''))}</small></h1>
${prose(String(info.description ?? ''))}
${byTag.map(({ tag, ops }) => `<h2>${escapeHtml(tag)}</h2>${ops.map(operationSection).join('\n')}`).join('\n')}
<h2>Schemas</h2>${schemas}</main></body></html>`;
};

export { renderDocsPage };
