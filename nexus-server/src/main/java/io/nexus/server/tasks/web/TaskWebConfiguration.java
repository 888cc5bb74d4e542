package io.nexus.server.tasks.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Puts the {@link CreationGate} in front of the two create endpoints.
 */
@Configuration(proxyBeanMethods = false)
class TaskWebConfiguration implements WebMvcConfigurer {

	private final CreationGate gate;

	TaskWebConfiguration(CreationGate gate) {
		this.gate = gate;
	}

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		registry.addInterceptor(this.gate).addPathPatterns("/api/tasks", "/api/tasks/batch");
	}

}
