package io.nexus.sdk;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

import org.jspecify.annotations.Nullable;

/**
 * The CPU and memory figures of a heartbeat, in percent: the machine's, from
 * {@code com.sun.management.OperatingSystemMXBean} where the JVM has it; otherwise the
 * JVM heap's.
 */
final class ResourceUsage {

	private ResourceUsage() {
	}

	/**
	 * Recent CPU use of the whole machine.
	 * @return percent, or {@code null} if the JVM cannot tell
	 */
	static @Nullable Double cpuPercent() {
		OperatingSystemMXBean bean = ManagementFactory.getOperatingSystemMXBean();
		if (bean instanceof com.sun.management.OperatingSystemMXBean sun) {
			double load = sun.getCpuLoad();
			return (load < 0) ? null : round(load * 100);
		}
		double average = bean.getSystemLoadAverage();
		return (average < 0) ? null : round(Math.min(100, 100 * average / bean.getAvailableProcessors()));
	}

	/**
	 * Memory in use.
	 * @return percent of the machine's memory, or of the JVM's maximum heap
	 */
	static Double memoryPercent() {
		OperatingSystemMXBean bean = ManagementFactory.getOperatingSystemMXBean();
		if (bean instanceof com.sun.management.OperatingSystemMXBean sun && sun.getTotalMemorySize() > 0) {
			long total = sun.getTotalMemorySize();
			return round(100.0 * (total - sun.getFreeMemorySize()) / total);
		}
		Runtime runtime = Runtime.getRuntime();
		return round(100.0 * (runtime.totalMemory() - runtime.freeMemory()) / runtime.maxMemory());
	}

	private static double round(double percent) {
		return Math.round(percent * 10) / 10.0;
	}

}
