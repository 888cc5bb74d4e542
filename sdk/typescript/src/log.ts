/** Where the SDK writes what it does. Tokens are never logged. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const LEVELS = ["debug", "info", "warn", "error", "silent"] as const;

/** A level of {@link consoleLogger}: messages below it are left out. */
export type LogLevel = (typeof LEVELS)[number];

/** Writes to standard error, with a time and `nexus-agent`, from `level` up. */
export function consoleLogger(level: LogLevel = "info"): Logger {
  const threshold = LEVELS.indexOf(level);
  const write = (at: LogLevel) => (message: string) => {
    if (LEVELS.indexOf(at) >= threshold) {
      process.stderr.write(`${new Date().toISOString()} ${at.toUpperCase()} nexus-agent: ${message}\n`);
    }
  };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}
