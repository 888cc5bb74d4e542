package io.nexus.server.ops;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class LogFormatEnvironmentPostProcessorTests {

	private final MockEnvironment environment = new MockEnvironment();

	private void postProcess() {
		new LogFormatEnvironmentPostProcessor().postProcessEnvironment(this.environment, new SpringApplication());
	}

	@Test
	void structuredFormatsGoToTheConsole() {
		this.environment.setProperty("NEXUS_LOG_FORMAT", " ECS ");
		postProcess();
		assertThat(this.environment.getProperty(LogFormatEnvironmentPostProcessor.CONSOLE_FORMAT)).isEqualTo("ecs");
	}

	@Test
	void plainOrUnsetKeepsTextLines() {
		postProcess();
		this.environment.setProperty("NEXUS_LOG_FORMAT", "plain");
		postProcess();
		assertThat(this.environment.containsProperty(LogFormatEnvironmentPostProcessor.CONSOLE_FORMAT)).isFalse();
	}

	@Test
	void springBootPropertyWins() {
		this.environment.setProperty("NEXUS_LOG_FORMAT", "gelf");
		this.environment.setProperty(LogFormatEnvironmentPostProcessor.CONSOLE_FORMAT, "logstash");
		postProcess();
		assertThat(this.environment.getProperty(LogFormatEnvironmentPostProcessor.CONSOLE_FORMAT))
			.isEqualTo("logstash");
	}

	@Test
	void refusesAnUnknownFormat() {
		this.environment.setProperty("NEXUS_LOG_FORMAT", "xml");
		assertThatIllegalArgumentException().isThrownBy(this::postProcess)
			.withMessageContaining("plain, ecs, logstash or gelf");
	}

}
