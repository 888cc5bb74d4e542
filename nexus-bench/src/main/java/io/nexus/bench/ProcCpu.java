package io.nexus.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * CPU time of the processes on this machine that take part in a run, from
 * {@code /proc/<pid>/stat}: the server JVM, every PostgreSQL process and this JVM (the
 * senders and the agents). Times are in clock ticks; {@link #ticksPerSecond()} converts.
 */
final class ProcCpu {

	/** What Linux uses on every common architecture, when {@code getconf} cannot say. */
	static final long DEFAULT_TICKS_PER_SECOND = 100;

	private static final Path PROC = Path.of("/proc");

	private final @Nullable Long serverPid;

	private final long ticksPerSecond;

	private final boolean ticksAssumed;

	ProcCpu(@Nullable Long serverPid) {
		this.serverPid = serverPid;
		Long ticks = clockTicksFromGetconf();
		this.ticksPerSecond = (ticks != null) ? ticks : DEFAULT_TICKS_PER_SECOND;
		this.ticksAssumed = (ticks == null);
	}

	long ticksPerSecond() {
		return this.ticksPerSecond;
	}

	/**
	 * Whether {@code getconf CLK_TCK} failed and {@link #DEFAULT_TICKS_PER_SECOND} is
	 * used.
	 */
	boolean ticksAssumed() {
		return this.ticksAssumed;
	}

	@Nullable Long serverPid() {
		return this.serverPid;
	}

	/** Reads all three now; a process that cannot be read counts as -1. */
	Sample read() {
		long server = (this.serverPid != null) ? ticksOf(this.serverPid) : -1;
		long self = ticksOf(ProcessHandle.current().pid());
		return new Sample(server, postgresTicks(), self);
	}

	/**
	 * The server JVM: a {@code java} process whose command line names
	 * {@code nexus-server.jar}. When several run (other checkouts, other nodes), the one
	 * whose command line also names {@code --server.port=<port>} wins.
	 * @param port the port from {@code --url}
	 * @return the pid, or {@code null} if there is none or no single best one
	 */
	static @Nullable Long findServer(int port) {
		List<Long> servers = new ArrayList<>();
		List<Long> onPort = new ArrayList<>();
		for (long pid : pids()) {
			String cmdline = cmdline(pid);
			if (isServer(cmdline)) {
				servers.add(pid);
				if (cmdline.contains("server.port=" + port)) {
					onPort.add(pid);
				}
			}
		}
		if (servers.size() == 1) {
			return servers.get(0);
		}
		return (onPort.size() == 1) ? onPort.get(0) : null;
	}

	/** Whether a command line (arguments joined by spaces) runs the packaged server. */
	static boolean isServer(String cmdline) {
		String[] args = cmdline.split(" ");
		return args.length > 1 && (args[0].equals("java") || args[0].endsWith("/java"))
				&& cmdline.contains("nexus-server.jar");
	}

	/**
	 * Whether a process is PostgreSQL: the postmaster's {@code comm} is {@code postgres},
	 * its children rename themselves to {@code postgres: ...} (which also changes their
	 * {@code comm} on some systems, hence both checks).
	 */
	static boolean isPostgres(String comm, String cmdline) {
		return comm.equals("postgres") || cmdline.startsWith("postgres:") || comm.startsWith("postgres:");
	}

	/**
	 * The CPU time of a process and of its children that it has waited for, from the text
	 * of {@code /proc/<pid>/stat}. The children matter for the postmaster: when a backend
	 * exits, its time moves into the postmaster's {@code cutime}/{@code cstime}, so the
	 * sum over all PostgreSQL processes does not lose backends that ended during a run.
	 * @param stat the file's text
	 * @return utime + stime + cutime + cstime, in clock ticks
	 */
	static long parseStatTicks(String stat) {
		// the command name (field 2) is in parentheses and may contain spaces and ')'
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
		// fields[0] is field 3 (state); utime, stime, cutime, cstime are fields 14 to 17
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13])
				+ Long.parseLong(fields[14]);
	}

	/** Milliseconds from clock ticks. */
	static double millis(long ticks, long ticksPerSecond) {
		return ticks * 1000.0 / ticksPerSecond;
	}

	private static long postgresTicks() {
		long sum = 0;
		for (long pid : pids()) {
			if (isPostgres(read(pid, "comm").trim(), cmdline(pid))) {
				long ticks = ticksOf(pid);
				sum += Math.max(0, ticks);
			}
		}
		return sum;
	}

	private static long ticksOf(long pid) {
		String stat = read(pid, "stat");
		return stat.isEmpty() ? -1 : parseStatTicks(stat);
	}

	private static String cmdline(long pid) {
		return read(pid, "cmdline").replace('\0', ' ').trim();
	}

	private static String read(long pid, String file) {
		try {
			return new String(Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve(file)),
					StandardCharsets.UTF_8);
		}
		catch (IOException | SecurityException ex) {
			// the process ended, or belongs to a user we may not inspect
			return "";
		}
	}

	private static List<Long> pids() {
		List<Long> pids = new ArrayList<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
			for (Path entry : entries) {
				String name = entry.getFileName().toString();
				if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
					pids.add(Long.parseLong(name));
				}
			}
		}
		catch (IOException ex) {
			// no /proc (not Linux): nothing to measure
		}
		return pids;
	}

	/**
	 * {@code sysconf(_SC_CLK_TCK)} is out of reach of Java 17, so ask {@code getconf}.
	 */
	private static @Nullable Long clockTicksFromGetconf() {
		try {
			Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
			String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			if (!getconf.waitFor(10, TimeUnit.SECONDS) || getconf.exitValue() != 0) {
				return null;
			}
			long ticks = Long.parseLong(out);
			return (ticks > 0) ? ticks : null;
		}
		catch (IOException | NumberFormatException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/**
	 * One reading, in clock ticks; -1 where a process could not be read.
	 *
	 * @param server the server JVM
	 * @param postgres all PostgreSQL processes on the machine, with their waited-for
	 * children
	 * @param bench this JVM
	 */
	record Sample(long server, long postgres, long bench) {

	}

}
