package io.nexus.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a soak watches in the server's process on this machine: the heap in use right
 * after a full GC ({@code GC.run} then {@code GC.heap_info}, in one {@code jcmd -f}
 * attach, so that the server has no time to allocate in between), its live threads
 * ({@code Threads:} of {@code /proc/<pid>/status}) and its open file descriptors (the
 * entries of {@code /proc/<pid>/fd}). {@code jcmd} must run as the server's user (or
 * root).
 */
final class ProcessGauges {

	/**
	 * A heap line of {@code GC.heap_info}: one leading space, a name, then total and used
	 * ({@code " garbage-first heap   total 180224K, used 86519K [...]"}; serial and
	 * parallel collectors print one line per generation). Metaspace lines have no total.
	 */
	private static final Pattern HEAP_LINE = Pattern.compile("^ \\S[^\\n]*?\\btotal (\\d+)([KMG]), used (\\d+)([KMG])",
			Pattern.MULTILINE);

	/** ZGC: {@code " ZHeap           used 30M, capacity 256M, max capacity 1024M"}. */
	private static final Pattern ZGC_LINE = Pattern.compile("^ ZHeap\\s+used (\\d+)([KMG])", Pattern.MULTILINE);

	private static final Pattern THREADS_LINE = Pattern.compile("^Threads:\\s+(\\d+)", Pattern.MULTILINE);

	private final long pid;

	private final String jcmd;

	private final Path commands;

	private final Path output;

	ProcessGauges(long pid) throws IOException {
		// jcmd attaches by sending SIGQUIT, which ends a process that is not a JVM (a
		// shell that started the server, say)
		String command = ProcessHandle.of(pid).flatMap((process) -> process.info().command()).orElse("");
		if (!command.endsWith("/java")) {
			throw new IllegalArgumentException(
					"process " + pid + " is not a running java (" + (command.isEmpty() ? "not found" : command) + ")");
		}
		this.pid = pid;
		Path beside = Path.of(System.getProperty("java.home"), "bin", "jcmd");
		this.jcmd = Files.isExecutable(beside) ? beside.toString() : "jcmd";
		this.commands = Files.createTempFile("nexus-soak-", ".jcmd");
		this.commands.toFile().deleteOnExit();
		Files.writeString(this.commands, "GC.run\nGC.heap_info\n");
		this.output = Files.createTempFile("nexus-soak-", ".out");
		this.output.toFile().deleteOnExit();
	}

	/**
	 * Forces a full GC in the server and reads all three.
	 * @return the reading
	 * @throws IOException if {@code jcmd} or {@code /proc} cannot be read
	 * @throws InterruptedException if interrupted while {@code jcmd} runs
	 */
	Reading read() throws IOException, InterruptedException {
		long heap = parseHeapUsed(jcmd());
		Path proc = Path.of("/proc", Long.toString(this.pid));
		int threads = parseThreads(Files.readString(proc.resolve("status")));
		int fds;
		try (Stream<Path> entries = Files.list(proc.resolve("fd"))) {
			fds = (int) entries.count();
		}
		return new Reading(heap, threads, fds);
	}

	private String jcmd() throws IOException, InterruptedException {
		String command = "-f " + this.commands + " (GC.run, GC.heap_info)";
		// into a file, so that a jcmd that hangs cannot block the read past the time-out
		Process process = new ProcessBuilder(this.jcmd, Long.toString(this.pid), "-f", this.commands.toString())
			.redirectErrorStream(true)
			.redirectOutput(this.output.toFile())
			.start();
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IOException("jcmd " + this.pid + " " + command + " did not finish in 60 s");
		}
		String output = Files.readString(this.output);
		if (process.exitValue() != 0) {
			throw new IOException("jcmd " + this.pid + " " + command + " failed: " + output.strip());
		}
		return output;
	}

	/**
	 * The heap in use that {@code jcmd <pid> GC.heap_info} reports: the sum of its heap
	 * lines (one for G1, one per generation for the serial and parallel collectors), or
	 * ZGC's.
	 * @param heapInfo the command's output
	 * @return bytes in use
	 * @throws IllegalArgumentException if the output has no heap line
	 */
	static long parseHeapUsed(String heapInfo) {
		long used = 0;
		boolean found = false;
		Matcher heap = HEAP_LINE.matcher(heapInfo);
		while (heap.find()) {
			used += bytes(heap.group(3), heap.group(4));
			found = true;
		}
		if (!found) {
			Matcher zgc = ZGC_LINE.matcher(heapInfo);
			if (zgc.find()) {
				return bytes(zgc.group(1), zgc.group(2));
			}
			throw new IllegalArgumentException("No heap line in GC.heap_info: " + heapInfo.strip());
		}
		return used;
	}

	/**
	 * The live threads that {@code /proc/<pid>/status} reports.
	 * @param status the file's text
	 * @return the thread count
	 * @throws IllegalArgumentException if there is no {@code Threads:} line
	 */
	static int parseThreads(String status) {
		Matcher matcher = THREADS_LINE.matcher(status);
		if (!matcher.find()) {
			throw new IllegalArgumentException("No Threads line");
		}
		return Integer.parseInt(matcher.group(1));
	}

	private static long bytes(String number, String unit) {
		long value = Long.parseLong(number);
		return switch (unit) {
			case "K" -> value * 1024;
			case "M" -> value * 1024 * 1024;
			default -> value * 1024 * 1024 * 1024;
		};
	}

	/**
	 * One reading.
	 *
	 * @param heapAfterGcBytes heap in use right after a full GC
	 * @param threads live threads
	 * @param fds open file descriptors
	 */
	record Reading(long heapAfterGcBytes, int threads, int fds) {

	}

}
