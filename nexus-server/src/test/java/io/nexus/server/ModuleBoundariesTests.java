package io.nexus.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.tngtech.archunit.core.importer.ImportOption;
import io.nexus.modulescratch.ScratchApplication;
import org.junit.jupiter.api.Test;

import org.springframework.modulith.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.core.Violations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The layering is declared, not only observed: every module lists the modules it may use,
 * the README's table says the same, and {@code verify()} refuses a dependency that is not
 * listed (shown on scratch modules in the test sources).
 */
class ModuleBoundariesTests {

	@Test
	void everyModuleDeclaresItsDependenciesAsTheReadmeLists() throws Exception {
		ApplicationModules modules = ApplicationModules.of(NexusApplication.class);
		Map<String, Set<String>> declared = new TreeMap<>();
		for (var module : modules) {
			String name = module.getIdentifier().toString();
			Class<?> packageInfo = Class.forName(module.getBasePackage().getName() + ".package-info");
			ApplicationModule annotation = packageInfo.getAnnotation(ApplicationModule.class);
			assertThat(annotation).as("@ApplicationModule on module %s", name).isNotNull();
			assertThat(annotation.allowedDependencies()).as("module %s lists allowedDependencies", name)
				.doesNotContain(ApplicationModule.OPEN_TOKEN);
			declared.put(name, new TreeSet<>(Arrays.asList(annotation.allowedDependencies())));
		}
		assertThat(readmeTable()).isEqualTo(declared);
	}

	@Test
	void verifyRefusesADependencyThatIsNotDeclared() {
		ApplicationModules scratch = ApplicationModules.of(ScratchApplication.class, (ImportOption) (location) -> true);
		assertThat(scratch.stream().map((module) -> module.getIdentifier().toString()))
			.containsExactlyInAnyOrder("lower", "middle", "upper");
		assertThatExceptionOfType(Violations.class).isThrownBy(scratch::verify);
		assertThat(scratch.detectViolations().getMessages()).isNotEmpty()
			.allSatisfy((message) -> assertThat(message).contains("Upper").contains("Middle"));
	}

	private static Map<String, Set<String>> readmeTable() throws IOException {
		Path here = Path.of("").toAbsolutePath();
		Path readme = (Files.isDirectory(here.resolve("docs")) ? here : here.getParent()).resolve("README.md");
		String layout = Markdown.section(Files.readString(readme, StandardCharsets.UTF_8), "## Code layout");
		Markdown.Table table = Markdown.tables(layout).get(0);
		Map<String, Set<String>> listed = new TreeMap<>();
		for (var row : table.rows()) {
			String module = Markdown.codeSpans(row.get(0)).get(0);
			listed.put(module, Markdown.codeSpans(row.get(1)).stream().collect(Collectors.toCollection(TreeSet::new)));
		}
		return listed;
	}

}
