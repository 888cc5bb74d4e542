package io.nexus.bench;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * What an idle-connection run does.
 *
 * @param agents how many idle agents connect
 * @param serverPid the server's process id, to read its resident memory; {@code null} to
 * skip it
 * @param gcViaJcmd whether to force a full GC in the server with {@code jcmd} before each
 * reading
 * @param parallelism registrations and handshakes in flight at once
 * @param settle the pause before each reading
 * @param hold how long the connections stay open after the second reading
 */
record IdleSettings(int agents, @Nullable Long serverPid, boolean gcViaJcmd, int parallelism, Duration settle,
		Duration hold) {

	IdleSettings {
		if (parallelism < 1) {
			throw new IllegalArgumentException("--connect-parallelism must be at least 1");
		}
		if (gcViaJcmd && serverPid == null) {
			throw new IllegalArgumentException("--gc-via-jcmd needs --server-pid");
		}
	}

}
