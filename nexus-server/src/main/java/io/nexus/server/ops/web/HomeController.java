package io.nexus.server.ops.web;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The front door. Until the dashboard arrives, it leads to the interactive API
 * documentation.
 */
@Controller
class HomeController {

	@GetMapping("/")
	String home() {
		return "redirect:/swagger-ui/index.html";
	}

}
