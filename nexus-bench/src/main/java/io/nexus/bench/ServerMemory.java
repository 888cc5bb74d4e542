package io.nexus.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * The server's memory as seen from the same machine: resident set size from
 * {@code /proc/<pid>/status}, heap in use from {@code /metrics}, optionally after a full
 * GC forced with {@code jcmd}.
 */
final class ServerMemory {

	private final NexusApi api;

	private final @Nullable Long pid;

	private final boolean gcViaJcmd;

	ServerMemory(NexusApi api, @Nullable Long pid, boolean gcViaJcmd) {
		this.api = api;
		this.pid = pid;
		this.gcViaJcmd = gcViaJcmd;
	}

	Reading read() throws IOException, InterruptedException {
		if (this.gcViaJcmd && this.pid != null) {
			Process jcmd = new ProcessBuilder("jcmd", this.pid.toString(), "GC.run").redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
				jcmd.destroy();
			}
		}
		return new Reading((this.pid != null) ? residentBytes(this.pid) : -1, heapUsedBytes());
	}

	private long heapUsedBytes() throws InterruptedException {
		try {
			return this.api.heapUsedBytes();
		}
		catch (IOException ex) {
			// at its connection limit the server takes no new HTTP connection
			System.err.println("Could not read /metrics: " + ex);
			return -1;
		}
	}

	static long residentBytes(long pid) throws IOException {
		return parseVmRss(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
	}

	static long parseVmRss(String status) {
		for (String line : status.split("\n")) {
			if (line.startsWith("VmRSS:")) {
				String[] parts = line.substring(6).trim().split("\\s+");
				return Long.parseLong(parts[0]) * 1024;
			}
		}
		throw new IllegalArgumentException("No VmRSS line");
	}

	/**
	 * One reading.
	 *
	 * @param rssBytes resident set size, or -1 when unknown
	 * @param heapBytes heap in use, or -1 when unknown
	 */
	record Reading(long rssBytes, long heapBytes) {

	}

}
