/** How every Headroom process writes its log: `json`, one object per line, or `text`, for people. */
export type LogFormat = 'json' | 'text';

/**
 * `HEADROOM_LOG_FORMAT` (a wrong value is the environment parsing's to report), else JSON when
 * stderr is not a terminal (a container, a service manager), text when it is. The API and the
 * workers decide the same way.
 */
export function resolveLogFormat(
  value: string | undefined,
  stderrIsTerminal = Boolean(process.stderr.isTTY),
): LogFormat {
  if (value === 'json' || value === 'text') return value;
  return stderrIsTerminal ? 'text' : 'json';
}
