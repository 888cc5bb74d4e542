package io.nexus.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code nexusctl}, the operator command line. Connection settings come from flags, then
 * from the environment ({@code NEXUS_URL}, {@code NEXUS_TOKEN}, {@code NEXUS_USER},
 * {@code NEXUS_PASSWORD}), then from defaults.
 */
@Command(name = "nexusctl", mixinStandardHelpOptions = true, version = "nexusctl 0.1.0", subcommands = {
		HealthCommand.class, AgentsCommand.class, TasksCommand.class, EncryptionCommand.class, AuditCommand.class },
		description = "Check a Nexus deployment and steer its agents and tasks.",
		footer = { "",
				"Environment: NEXUS_URL (default " + Nexusctl.DEFAULT_URL + "), NEXUS_TOKEN, or NEXUS_USER "
						+ "and NEXUS_PASSWORD.",
				"Exit codes: 0 success, 1 failure (something down, an error answer, "
						+ "unreachable), 2 wrong usage." })
public final class Nexusctl implements Runnable {

	static final String DEFAULT_URL = "http://localhost:4100";

	static final int EXIT_FAILURE = 1;

	static final int EXIT_USAGE = 2;

	@Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
			description = "Nexus base URL (env NEXUS_URL, default " + DEFAULT_URL + ")")
	@Nullable String url;

	@Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
			description = "Bearer access token (env NEXUS_TOKEN)")
	@Nullable String token;

	@Option(names = "--user", scope = ScopeType.INHERIT, paramLabel = "NAME",
			description = "User to log in as, with the password from NEXUS_PASSWORD (env NEXUS_USER)")
	@Nullable String user;

	@Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "SECONDS", defaultValue = "10",
			description = "Timeout of each request in seconds (default ${DEFAULT-VALUE})")
	int timeoutSeconds;

	@Spec
	@Nullable CommandSpec spec;

	private final Map<String, String> env;

	private final PrintWriter out;

	private final PrintWriter err;

	private final JsonMapper json = JsonMapper.builder().build();

	private @Nullable NexusClient client;

	Nexusctl(Map<String, String> env, PrintWriter out, PrintWriter err) {
		this.env = env;
		this.out = out;
		this.err = err;
	}

	public static void main(String[] args) {
		PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
		PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
		System.exit(execute(System.getenv(), out, err, args));
	}

	static int execute(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
		try {
			return commandLine(new Nexusctl(env, out, err)).execute(args);
		}
		finally {
			out.flush();
			err.flush();
		}
	}

	static CommandLine commandLine(Nexusctl root) {
		CommandLine commandLine = new CommandLine(root);
		commandLine.setOut(root.out);
		commandLine.setErr(root.err);
		commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
			if (ex instanceof CliException cli) {
				cmd.getErr().println("nexusctl: " + cli.getMessage());
				return cli.exitCode();
			}
			throw ex;
		});
		return commandLine;
	}

	@Override
	public void run() {
		throw new CommandLine.ParameterException(spec().commandLine(),
				"Missing command: health, agents, tasks or encryption");
	}

	/** The client for this run, created on first use from flags and environment. */
	NexusClient client() {
		if (this.client == null) {
			URI base = baseUrl();
			Credentials credentials = new Credentials(first(this.token, this.env.get("NEXUS_TOKEN")),
					first(this.user, this.env.get("NEXUS_USER")), blankToNull(this.env.get("NEXUS_PASSWORD")));
			Duration timeout = Duration.ofSeconds(Math.max(1, this.timeoutSeconds));
			HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
			this.client = new NexusClient(base, http, this.json, credentials, timeout);
		}
		return this.client;
	}

	URI baseUrl() {
		String value = first(this.url, this.env.get("NEXUS_URL"));
		String text = (value != null) ? value : DEFAULT_URL;
		URI uri;
		try {
			uri = URI.create(text);
		}
		catch (IllegalArgumentException ex) {
			throw new CliException("not a URL: " + text, EXIT_USAGE);
		}
		if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
			throw new CliException("the Nexus URL must look like http://host:port or https://host; got " + text,
					EXIT_USAGE);
		}
		return uri;
	}

	String env(String name) {
		return this.env.getOrDefault(name, "");
	}

	PrintWriter out() {
		return this.out;
	}

	JsonMapper json() {
		return this.json;
	}

	/** Prints a JSON document indented, for {@code get} and {@code --json}. */
	void printJson(JsonNode node) {
		this.out.println(this.json.writerWithDefaultPrettyPrinter().writeValueAsString(node));
	}

	private CommandSpec spec() {
		if (this.spec == null) {
			throw new IllegalStateException("picocli did not inject the command spec");
		}
		return this.spec;
	}

	private static @Nullable String first(@Nullable String flag, @Nullable String environment) {
		String chosen = blankToNull(flag);
		return (chosen != null) ? chosen : blankToNull(environment);
	}

	private static @Nullable String blankToNull(@Nullable String value) {
		return (value == null || value.isBlank()) ? null : value;
	}

}
