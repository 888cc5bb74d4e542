package io.nexus.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ProcessGaugesTests {

	@Test
	void readsTheG1HeapAndLeavesMetaspaceOut() {
		String heapInfo = """
				16037:
				 garbage-first heap   total 180224K, used 86519K [0x0000000687400000, 0x0000000800000000)
				  region size 4096K, 10 young (40960K), 3 survivors (12288K)
				 Metaspace       used 103572K, committed 104512K, reserved 1179648K
				  class space    used 13943K, committed 14400K, reserved 1048576K
				""";
		assertThat(ProcessGauges.parseHeapUsed(heapInfo)).isEqualTo(86519L * 1024);
	}

	@Test
	void addsTheGenerationsOfTheSerialAndParallelCollectors() {
		String serial = """
				4242:
				 def new generation   total 9216K, used 4513K [0x00000000fec00000, 0x00000000ff600000, 0x00000000ff600000)
				  eden space 8192K,  55% used [0x00000000fec00000, 0x00000000ff068478, 0x00000000ff400000)
				  from space 1024K,   0% used [0x00000000ff400000, 0x00000000ff400000, 0x00000000ff500000)
				 tenured generation   total 20480K, used 1200K [0x00000000ff600000, 0x0000000100000000, 0x0000000100000000)
				 Metaspace       used 6000K, committed 6144K, reserved 1056768K
				""";
		assertThat(ProcessGauges.parseHeapUsed(serial)).isEqualTo((4513L + 1200) * 1024);
		String parallel = """
				 PSYoungGen      total 76288K, used 3932K [0x000000076b400000, 0x0000000770900000, 0x00000007c0000000)
				  eden space 65536K, 6% used [0x000000076b400000,0x000000076b7d7240,0x000000076f400000)
				 ParOldGen       total 175104K, used 1M [0x00000006c1c00000, 0x00000006cc700000, 0x000000076b400000)
				""";
		assertThat(ProcessGauges.parseHeapUsed(parallel)).isEqualTo(3932L * 1024 + 1024 * 1024);
	}

	@Test
	void readsZgc() {
		assertThat(ProcessGauges.parseHeapUsed(" ZHeap           used 30M, capacity 256M, max capacity 1024M\n"))
			.isEqualTo(30L * 1024 * 1024);
	}

	@Test
	void refusesOutputWithoutAHeapLine() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProcessGauges.parseHeapUsed("4242:\nCould not attach to 4242\n"))
			.withMessageContaining("No heap line");
	}

	@Test
	void readsTheThreadCountOfProcStatus() {
		String status = "Name:\tjava\nUmask:\t0022\nState:\tS (sleeping)\nThreads:\t57\nSigQ:\t0/31444\n";
		assertThat(ProcessGauges.parseThreads(status)).isEqualTo(57);
		assertThatIllegalArgumentException().isThrownBy(() -> ProcessGauges.parseThreads("Name:\tjava\n"));
	}

	@Test
	void refusesAProcessThatIsNotAJvm() throws Exception {
		Process sleep = new ProcessBuilder("sleep", "30").start();
		try {
			assertThatIllegalArgumentException().isThrownBy(() -> new ProcessGauges(sleep.pid()))
				.withMessageContaining("not a running java");
			assertThat(sleep.isAlive()).isTrue();
		}
		finally {
			sleep.destroy();
		}
	}

	@Test
	void readsARealJvm() throws Exception {
		// this test's own JVM, read from outside as the server is: jcmd is a process of
		// its
		// own
		ProcessGauges.Reading reading = new ProcessGauges(ProcessHandle.current().pid()).read();
		assertThat(reading.heapAfterGcBytes()).isPositive();
		assertThat(reading.threads()).isGreaterThan(1);
		assertThat(reading.fds()).isGreaterThan(3);
	}

}
