# Build targets for `sam build` (template.yaml: Metadata BuildMethod: makefile, CodeUri: .).
# SAM's own Maven builder copies only a function's folder and cannot see the parent POM or the core
# module, so SAM runs `make build-<LogicalId>` in a copy of the repository root with ARTIFACTS_DIR set,
# and each target builds its module (and what it depends on) with the wrapper and puts the shaded jar
# in $(ARTIFACTS_DIR)/lib/: Lambda's Java runtime puts lib/*.jar on the classpath, while a jar at the
# top of the zip is not found.

.PHONY: build-DispatcherFunction build-WorkerFunction

build-DispatcherFunction:
	$(call lambda-jar,dispatcher)
	@# The scheduled jobs deploy with this function's rules: checked by its own parser before anything deploys.
	JAVA_HOME="$$(bash infrastructure/find-jdk.sh)" && "$$JAVA_HOME/bin/java" -cp "$$(ls "$(ARTIFACTS_DIR)"/lib/fetchfleet-dispatcher-*-lambda.jar)" \
	  dev.fetchfleet.dispatcher.ScheduledJobs infrastructure/schedules
	python3 infrastructure/schedules.py check template.yaml

build-WorkerFunction:
	$(call lambda-jar,worker)

# $(1): module under functions/. Exactly one shaded jar must exist, so a stale jar of an older
# version left in target/ is an error rather than a second copy of every class on the classpath.
define lambda-jar
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set (sam build sets it)" >&2; exit 1; }
	JAVA_HOME="$$(bash infrastructure/find-jdk.sh)" && export JAVA_HOME && \
	  ./mvnw -B -q -pl functions/$(1) -am package -DskipTests
	@set -- functions/$(1)/target/fetchfleet-$(1)-*-lambda.jar; \
	  if [ "$$#" -ne 1 ] || [ ! -f "$$1" ]; then \
	    echo "expected exactly one shaded jar, found: $$*" >&2; exit 1; \
	  fi; \
	  mkdir -p "$(ARTIFACTS_DIR)/lib" && cp "$$1" "$(ARTIFACTS_DIR)/lib/" && \
	  echo "$(1): $$1 -> $(ARTIFACTS_DIR)/lib/"
endef
