package io.nexus.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.nexus.protocol.CloseCode;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs name only what the code has: configuration keys and environment variables in
 * the README and {@code docs/configuration.md}, metrics in {@code docs/metrics.md} (both
 * ways), close codes in {@code docs/protocol.md} (both ways). Reads files only: no Spring
 * context, no server.
 */
class DocsTruthTests {

	private static final Path ROOT = projectRoot();

	private static final Pattern PROPERTY = Pattern.compile("(?<![\\w./=$])nexus\\.[a-z0-9-]+(?:\\.[a-z0-9*-]+)*");

	private static final Pattern ENV_VARIABLE = Pattern
		.compile("^(?:NEXUS_[A-Z0-9_]*[A-Z0-9]|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)(_\\.\\.\\.|_\\*)?(?:=.*)?$");

	private static final Pattern NEXUS_ENV_TOKEN = Pattern.compile("\\bNEXUS_[A-Z0-9_]*[A-Z0-9](_\\.\\.\\.|_\\*)?");

	private static final Pattern STRING_LITERAL = Pattern.compile("\"([A-Za-z0-9_.:-]*)\"");

	private static final Pattern METRIC_EXPRESSION = Pattern
		.compile("\"(nexus\\.[a-z0-9.]*)\"(?:\\s*\\+\\s*\\w+(?:\\s*\\+\\s*\"([a-z0-9.]*)\")?)?");

	private static final Pattern LITERAL_CLOSE = Pattern
		.compile("(?:close\\(|CloseStatus\\(|code\\s*==\\s*)\\s*(\\d{4})\\b");

	@Test
	void documentedConfigurationKeysExist() {
		Set<String> known = configurationKeys();
		Set<String> documented = new TreeSet<>();
		for (String doc : List.of("README.md", "docs/configuration.md")) {
			for (String span : Markdown.codeSpans(read(doc))) {
				Matcher matcher = PROPERTY.matcher(span);
				while (matcher.find()) {
					documented.add(matcher.group());
				}
			}
		}
		assertThat(documented).as("nexus.* keys named in the docs").hasSizeGreaterThan(40);
		assertThat(documented.stream().filter((key) -> !exists(key, known)))
			.as("keys in README.md / docs/configuration.md that no @ConfigurationProperties, application.yml "
					+ "or ${...} placeholder defines")
			.isEmpty();
	}

	@Test
	void documentedEnvironmentVariablesAreRead() {
		Set<String> keys = configurationKeys();
		Set<String> known = new TreeSet<>();
		String yaml = read("nexus-server/src/main/resources/application.yml");
		Matcher word = Pattern.compile("\\b[A-Z][A-Z0-9_]+\\b").matcher(yaml);
		while (word.find()) {
			known.add(word.group());
		}
		for (String source : javaSources("nexus-server/src/main/java", "nexus-server/src/test/java")) {
			Matcher literal = STRING_LITERAL.matcher(source);
			while (literal.find()) {
				known.add(literal.group(1));
			}
		}
		keys.forEach((key) -> {
			known.add(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
			known.add(key.toUpperCase(Locale.ROOT).replace('.', '_').replace("-", ""));
		});
		Set<String> documented = new TreeSet<>();
		for (String doc : List.of("README.md", "docs/configuration.md")) {
			String text = read(doc);
			for (Markdown.Table table : Markdown.tables(text)) {
				if (table.header().get(0).equals("Environment variable")) {
					table.column(0)
						.stream()
						.flatMap((cell) -> Markdown.codeSpans(cell).stream())
						.filter((span) -> ENV_VARIABLE.matcher(span).matches())
						.forEach(documented::add);
				}
			}
			for (String span : Markdown.codeSpans(text)) {
				Matcher matcher = NEXUS_ENV_TOKEN.matcher(span);
				while (matcher.find()) {
					documented.add(matcher.group());
				}
			}
		}
		assertThat(documented).as("environment variables named in the docs").hasSizeGreaterThan(40);
		assertThat(documented.stream().filter((name) -> !isRead(name, known)))
			.as("environment variables in README.md / docs/configuration.md that application.yml, the code and "
					+ "relaxed binding of a nexus.* key do not know")
			.isEmpty();
	}

	@Test
	void documentedMetricsAreRegisteredAndRegisteredMetricsAreDocumented() {
		List<MetricName> registered = registeredMetrics();
		Set<String> documented = documentedMetrics();
		assertThat(registered).as("nexus.* meters found in the code").hasSizeGreaterThan(15);
		assertThat(documented.stream().filter((name) -> registered.stream().noneMatch((meter) -> meter.matches(name))))
			.as("metrics in docs/metrics.md that the code does not register")
			.isEmpty();
		assertThat(registered.stream()
			.filter((meter) -> documented.stream().noneMatch(meter::matches))
			.map(MetricName::toString)).as("meters registered in the code that docs/metrics.md does not list")
			.isEmpty();
	}

	@Test
	void closeCodeTableIsTheCloseCodeEnum() {
		Markdown.Table table = Markdown.tables(Markdown.section(read("docs/protocol.md"), "## Close codes")).get(0);
		assertThat(table.header()).containsExactly("Code", "Reason text", "Meaning", "Reconnect?");
		Map<Integer, List<String>> rows = table.rows()
			.stream()
			.collect(Collectors.toMap((row) -> Integer.valueOf(row.get(0)), (row) -> row));
		assertThat(rows.keySet()).as("close codes in docs/protocol.md")
			.containsExactlyInAnyOrderElementsOf(Stream.of(CloseCode.values()).map(CloseCode::code).toList());
		for (CloseCode code : CloseCode.values()) {
			List<String> row = rows.get(code.code());
			assertThat(row.get(3).startsWith("no"))
				.as("docs/protocol.md says whether to reconnect after %s as CloseCode.%s does", code.code(), code)
				.isEqualTo(!code.reconnect());
			if (!code.reason().isEmpty()) {
				assertThat(Markdown.codeSpans(row.get(1))).as("reason texts of %s in docs/protocol.md", code.code())
					.anyMatch((reason) -> reason.startsWith(code.reason()));
			}
		}
	}

	@Test
	void closeCodesInTheDocsAndCodeAreAllInTheEnum() {
		Set<Integer> codes = Stream.of(CloseCode.values()).map(CloseCode::code).collect(Collectors.toSet());
		Set<String> unknown = new TreeSet<>();
		for (String doc : List.of("README.md", "docs/protocol.md", "docs/configuration.md", "docs/operations.md",
				"docs/security.md", "docs/api.md", "docs/asyncapi.yaml", "nexus-agent-sdk/README.md")) {
			String[] lines = read(doc).split("\n");
			for (int i = 0; i < lines.length; i++) {
				Matcher number = Pattern.compile("\\b(44\\d\\d|10(?:0\\d|1[0-5]))\\b").matcher(lines[i]);
				while (number.find()) {
					int code = Integer.parseInt(number.group(1));
					boolean closeCode = code >= 4400 || lines[i].toLowerCase(Locale.ROOT).contains("close");
					if (closeCode && !codes.contains(code)) {
						unknown.add(doc + ":" + (i + 1) + " " + code);
					}
				}
			}
		}
		assertThat(unknown).as("close codes in the docs that CloseCode does not have").isEmpty();
		List<String> literal = new ArrayList<>();
		for (String source : javaSources("nexus-server/src/main/java", "nexus-agent-sdk/src/main/java")) {
			Matcher matcher = LITERAL_CLOSE.matcher(source);
			while (matcher.find()) {
				literal.add(matcher.group());
			}
		}
		assertThat(literal).as("close codes written as numbers instead of CloseCode").isEmpty();
	}

	private static boolean exists(String documented, Set<String> known) {
		if (documented.endsWith(".*")) {
			String prefix = documented.substring(0, documented.length() - 1);
			return known.stream().anyMatch((key) -> key.startsWith(prefix));
		}
		return known.contains(documented);
	}

	private static boolean isRead(String documented, Set<String> known) {
		Matcher prefix = Pattern.compile("^(.*_)(\\.\\.\\.|\\*)$").matcher(documented);
		if (prefix.matches()) {
			return known.stream().anyMatch((name) -> name.startsWith(prefix.group(1)));
		}
		return known.contains(documented.replaceFirst("=.*", ""));
	}

	/**
	 * Every {@code nexus.*} key: the configuration processor's metadata of the
	 * {@code @ConfigurationProperties} records, application.yml, and {@code ${...}}
	 * placeholders in the code.
	 */
	private static Set<String> configurationKeys() {
		Set<String> keys = new TreeSet<>();
		JsonMapper json = JsonMapper.builder().build();
		try {
			Enumeration<URL> metadata = DocsTruthTests.class.getClassLoader()
				.getResources("META-INF/spring-configuration-metadata.json");
			for (URL url : Collections.list(metadata)) {
				try (InputStream in = url.openStream()) {
					for (JsonNode property : json.readTree(in).path("properties")) {
						keys.add(property.path("name").asString());
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Object yaml = new Yaml().load(read("nexus-server/src/main/resources/application.yml"));
		flatten("", yaml, keys);
		for (String source : javaSources("nexus-server/src/main/java")) {
			Matcher placeholder = Pattern.compile("\\$\\{(nexus\\.[a-z0-9.-]+)").matcher(source);
			while (placeholder.find()) {
				keys.add(placeholder.group(1));
			}
		}
		keys.removeIf((key) -> !key.startsWith("nexus."));
		assertThat(keys).as("nexus.* keys in the code").contains("nexus.dispatch.max-frame-size");
		return keys;
	}

	private static void flatten(String prefix, Object node, Set<String> keys) {
		if (node instanceof Map<?, ?> map) {
			map.forEach((name, value) -> flatten(prefix.isEmpty() ? String.valueOf(name) : prefix + "." + name, value,
					keys));
		}
		else {
			keys.add(prefix);
		}
	}

	/**
	 * The {@code nexus.*} meters that the code registers, read from the sources that use
	 * Micrometer: a literal name, or a name built from a literal prefix, one variable and
	 * an optional literal suffix, where the variable is one of the file's string
	 * literals.
	 */
	private static List<MetricName> registeredMetrics() {
		List<MetricName> names = new ArrayList<>();
		for (String source : javaSources("nexus-server/src/main/java")) {
			if (!source.contains("import io.micrometer.core.instrument.")) {
				continue;
			}
			Set<String> literals = new LinkedHashSet<>();
			Matcher literal = Pattern.compile("\"([a-z][a-z0-9.]*)\"").matcher(source);
			while (literal.find()) {
				literals.add(literal.group(1));
			}
			Matcher expression = METRIC_EXPRESSION.matcher(source);
			while (expression.find()) {
				boolean dynamic = expression.group().contains("+");
				String prefix = expression.group(1);
				if (!dynamic) {
					names.add(new MetricName(expression.group(), Set.of(prometheus(prefix))));
				}
				else {
					String suffix = (expression.group(2) != null) ? expression.group(2) : "";
					names.add(new MetricName(expression.group(),
							literals.stream()
								.map((part) -> prometheus(prefix + part + suffix))
								.collect(Collectors.toSet())));
				}
			}
		}
		return names;
	}

	/**
	 * The names in the first column of the tables under "Nexus metrics".
	 */
	private static Set<String> documentedMetrics() {
		Set<String> names = new TreeSet<>();
		String section = Markdown.section(read("docs/metrics.md"), "## Nexus metrics");
		for (Markdown.Table table : Markdown.tables(section)) {
			if (table.header().get(0).equals("Name")) {
				table.column(0).stream().flatMap((cell) -> Markdown.codeSpans(cell).stream()).forEach(names::add);
			}
		}
		assertThat(names).allMatch((name) -> name.startsWith("nexus_"));
		return names;
	}

	private static String prometheus(String meterName) {
		return meterName.replace('.', '_');
	}

	private static List<String> javaSources(String... directories) {
		List<String> sources = new ArrayList<>();
		for (String directory : directories) {
			try (Stream<Path> files = Files.walk(ROOT.resolve(directory))) {
				for (Path file : files.filter((path) -> path.toString().endsWith(".java")).toList()) {
					sources.add(Files.readString(file, StandardCharsets.UTF_8));
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return sources;
	}

	private static String read(String file) {
		try {
			return Files.readString(ROOT.resolve(file), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Path projectRoot() {
		Path here = Path.of("").toAbsolutePath();
		return Files.isDirectory(here.resolve("docs")) ? here : here.getParent();
	}

	/**
	 * A meter as written in the code and the Prometheus base names it may have.
	 *
	 * @param source the expression in the code
	 * @param candidates the names without Prometheus's suffixes
	 */
	private record MetricName(String source, Set<String> candidates) {

		/**
		 * Whether a documented name is this meter: the base name, plus {@code _total} for
		 * a counter or {@code _seconds} for a timer or a gauge in seconds.
		 */
		boolean matches(String documented) {
			String base = documented.replaceFirst("_total$", "");
			return this.candidates.contains(base) || (base.endsWith("_seconds")
					&& this.candidates.contains(base.substring(0, base.length() - "_seconds".length())));
		}

		@Override
		public String toString() {
			return this.source;
		}

	}

}
