import { useEffect, useState } from 'react';
import { gql } from '../api';
import { errorText } from '../hooks';
import { CREATE_SWEEP, type SweepValidation, VALIDATE_SWEEP } from '../queries';
import { navigate } from '../router';

/** A small sweep that trains in seconds on the synthetic Human3.6M set (README's demo). */
export const EXAMPLE_SPEC = `name: my-flexible-heads
task: pose3d
dataset: { kind: synthetic, samples: 512, seed: 1 }
method: grid
metric: { name: mpjpe, goal: minimize }
parameters:
  d_m: { value: 64 }
  heads: { value: 4 }
  d_h: { values: [auto, 32] }
  qk_tied: { values: [false, true] }
  layers: { value: 1 }
  lr: { value: 0.001 }
  epochs: { value: 5 }
  seed: { value: 1 }
resources: { max_concurrent: 2 }
`;

const DEBOUNCE_MS = 250;

/**
 * The line a violation points at, when its path names one: a syntax error says `input.yaml:3:7`;
 * a field path (`input.yaml.parameters.d_h.values`) is looked up as nested YAML keys.
 */
export function lineOfPath(text: string, path: string): number | null {
  const syntax = /^input\.yaml:(\d+):\d+$/.exec(path);
  if (syntax) return Number(syntax[1]);
  const keys = path
    .replace(/^input\.yaml\.?/, '')
    .replace(/\[\d+\]/g, '')
    .split('.')
    .filter(Boolean);
  if (keys.length === 0) return null;
  const lines = text.split('\n');
  let from = 0;
  let indent = -1;
  let found: number | null = null;
  for (const key of keys) {
    const at = lines.findIndex((line, i) => {
      if (i < from) return false;
      const m = /^(\s*)([A-Za-z_][\w-]*)\s*:/.exec(line);
      return m !== null && m[2] === key && m[1]!.length > indent;
    });
    if (at < 0) {
      // Inline mappings (`d_m: { value: 64 }`) keep deeper keys on the line found so far.
      break;
    }
    found = at + 1;
    from = at + 1;
    indent = /^(\s*)/.exec(lines[at]!)![1]!.length;
  }
  return found;
}

/** `/new`: paste or upload a sweep file; validated as you type (every violation at its path); launch. */
export function NewSweepPage() {
  const [text, setText] = useState(EXAMPLE_SPEC);
  const [validation, setValidation] = useState<SweepValidation>();
  const [checking, setChecking] = useState(false);
  const [launchError, setLaunchError] = useState<string>();
  const [launching, setLaunching] = useState(false);

  useEffect(() => {
    let current = true;
    setChecking(true);
    const timer = setTimeout(() => {
      gql(VALIDATE_SWEEP, { input: { yaml: text } })
        .then((d) => current && setValidation(d.validateSweep))
        .catch((err: unknown) => {
          if (current)
            setValidation({
              valid: false,
              violations: [{ path: 'input', message: errorText(err) }],
              trialCount: null,
              name: null,
              task: null,
              method: null,
              metric: null,
            });
        })
        .finally(() => current && setChecking(false));
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text]);

  const launch = async () => {
    setLaunching(true);
    setLaunchError(undefined);
    try {
      const d = await gql(CREATE_SWEEP, { input: { yaml: text } });
      navigate(`/sweeps/${d.createSweep.id}`);
    } catch (err) {
      setLaunchError(errorText(err));
      setLaunching(false);
    }
  };

  const lineCount = text.split('\n').length;
  const badLines = new Set(
    (validation?.violations ?? []).map((v) => lineOfPath(text, v.path)).filter((n) => n !== null),
  );

  return (
    <section>
      <div className="toolbar">
        <h1>New sweep</h1>
        <label className="button">
          Upload a sweep file…
          <input
            type="file"
            data-testid="spec-file"
            accept=".yaml,.yml,.json,text/yaml,application/json"
            hidden
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void file.text().then(setText);
            }}
          />
        </label>
      </div>
      <p className="dim">
        A W&amp;B sweep config plus Headroom&apos;s keys (<code>task</code>, <code>dataset</code>,{' '}
        <code>resources</code>), YAML or JSON. It is checked as you type, exactly as{' '}
        <code>createSweep</code> checks it.
      </p>
      <div className="editor">
        <pre className="gutter" aria-hidden>
          {Array.from({ length: lineCount }, (_, i) => (
            <span key={i} className={badLines.has(i + 1) ? 'bad' : undefined}>
              {i + 1}
              {'\n'}
            </span>
          ))}
        </pre>
        <textarea
          data-testid="spec-editor"
          spellCheck={false}
          value={text}
          rows={Math.max(18, lineCount + 1)}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      <div className="validation" data-testid="validation" aria-live="polite">
        {checking && <span className="dim">checking… </span>}
        {validation?.valid && (
          <p className="ok" data-testid="trial-count">
            ✓ valid: {validation.name} ({validation.task ?? 'program'}, {validation.method},{' '}
            {validation.metric}) expands to <strong>{validation.trialCount}</strong> trial
            {validation.trialCount === 1 ? '' : 's'}.
          </p>
        )}
        {validation && !validation.valid && (
          <ul className="violations">
            {validation.violations.map((v, i) => {
              const line = lineOfPath(text, v.path);
              return (
                <li key={i} data-testid="violation" data-path={v.path}>
                  <code>{v.path}</code>
                  {line !== null && <span className="dim"> (line {line})</span>}: {v.message}
                </li>
              );
            })}
          </ul>
        )}
      </div>
      {launchError && <p className="error">{launchError}</p>}
      <button
        className="primary"
        disabled={!validation?.valid || checking || launching}
        onClick={() => void launch()}
      >
        {launching
          ? 'Launching…'
          : `Launch${validation?.valid ? ` ${validation.trialCount} trials` : ''}`}
      </button>
    </section>
  );
}
