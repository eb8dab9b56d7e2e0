# samlgo build, test and benchmark entry points. `make test` is what CI runs.
GO        ?= go
BIN       ?= bin/samlgo
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X github.com/samlgo/samlgo/cli/version.Version=$(VERSION)
FUZZTIME  ?= 10s
# Every fuzz target, as package:Target.
FUZZ_TARGETS := \
	./assertion:FuzzParse ./assertion:FuzzParseRole ./assertion:FuzzSelect \
	./awsfiles:FuzzDocument ./awsfiles:FuzzConfigProfile ./config:FuzzParse \
	./signin:FuzzParseTokenResponse ./signin:FuzzDestination \
	./creds:FuzzParseProcessOutput ./sts:FuzzCheckWebIdentityToken ./sts:FuzzSummarizeAuthorization ./sts:FuzzSessionName \
	./awsfiles:FuzzConfigSection ./sso:FuzzParseToken ./sso:FuzzParseRegistration ./sso:FuzzProfileConfig ./untrusted:FuzzText ./config/configedit:FuzzAddAccount

.PHONY: all build install test test-deps unit cross wine release fuzz bench shapes lint demo clean

all: build

# samlgo, and beside it samlgo-credential-process: the cached
# credential_process answer without samlgo's start-up cost.
build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/samlgo
	$(GO) build -trimpath -ldflags '-s -w' -o $(dir $(BIN))samlgo-credential-process ./cmd/samlgo-credential-process

install:
	$(GO) install -trimpath -ldflags '$(LDFLAGS)' ./cmd/samlgo ./cmd/samlgo-credential-process

# Everything, deterministically: installs what the tests need
# (scripts/test-deps.sh), then vet, formatting, unit and end-to-end tests.
# The committed fuzz corpora (testdata/fuzz) run as ordinary tests; random
# fuzzing is `make fuzz`. SAMLGO_TEST_REQUIRE=all turns a missing program
# into a failure instead of a skip: nothing is skipped.
test: test-deps lint cross unit wine

test-deps:
	@scripts/test-deps.sh

unit:
	SAMLGO_TEST_REQUIRE=all $(GO) test -count=1 -timeout 30m ./...

# Both programs build for the six release targets, and vet passes for
# Windows and macOS (their tests included), whose code CI cannot run
# natively.
TARGETS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
cross:
	@set -e; for t in $(TARGETS); do \
		echo "build $$t"; \
		GOOS=$${t%/*} GOARCH=$${t#*/} $(GO) build -o /dev/null ./cmd/samlgo; \
		GOOS=$${t%/*} GOARCH=$${t#*/} $(GO) build -o /dev/null ./cmd/samlgo-credential-process; \
	done
	GOOS=windows GOARCH=amd64 $(GO) vet ./...
	GOOS=darwin GOARCH=arm64 $(GO) vet ./...

# Every package's Windows test binary under Debian's wine (see the script).
wine:
	scripts/wine-test.sh

# Archives of both programs for the six targets, and their checksums, in
# dist/ (scripts/release.sh).
release:
	scripts/release.sh $(VERSION)

# Each fuzz target for $(FUZZTIME), one after the other (before a push; CI
# does not run it). A failing input is written to the package's testdata/fuzz:
# fix the code and commit the input, so `make test` keeps running it.
# Minimisation is capped: the default (60s per new input) stalls the XML
# parser targets on their multi-kilobyte seeds.
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$pkg $$name ($(FUZZTIME))"; \
		for try in 1 2; do \
			if $(GO) test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 1s; then break; fi; \
			if [ -n "$$(git status --porcelain -- $$pkg/testdata/fuzz/$$name)" ]; then echo "fuzz $$name found an input: see $$pkg/testdata/fuzz/$$name"; exit 1; fi; \
			[ $$try = 1 ] || exit 1; echo "fuzz $$name: the engine failed without an input; once more"; \
		done; \
	done

# Micro-benchmarks; whole processes: samlgo login --saml-file against the
# AWS CLI recipe it replaces, on the same local STS emulator; samlgo's bare
# start and a cached credential_process call (median-ms, peak-MiB) next to
# aws configure export-credentials on the same profile; sso roles and sso
# creds --all over an emulated organisation of 500 accounts (20 ms a portal
# round trip) next to the AWS CLI loop, scaled from 10 accounts; then a headless
# browser login split into phases, next to Chrome alone on the same pages.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./assertion ./awsfiles
	$(GO) test -run '^$$' -bench 'LoginProcess|AWSCLIRecipe' -benchtime 20x ./cmd/samlgo
	$(GO) test -run '^$$' -bench 'PeakFloor|Version|CredentialProcessCached|AWSExportCredentials' -benchtime 30x ./cmd/samlgo
	$(GO) test -run '^$$' -bench 'AssumeRoleProcess|AssumeRoleEnvProcess|AWSCLIAssumeRoleRecipe' -benchtime 20x ./cmd/samlgo
	$(GO) test -run '^$$' -bench 'SSOCredsProcess|AWSCLISSOGetRoleCredentials' -benchtime 20x ./cmd/samlgo
	$(GO) test -run '^$$' -bench 'SSORolesOrg|SSOCredsAllOrg|AWSCLISSOOrgLoop' -benchtime 1x ./cmd/samlgo
	$(GO) test -run '^$$' -bench 'HeadlessLogin|ChromeAlone' -benchtime 10x -count 3 ./cli/demo

# The login-page corpus (issue 10): every IdP shape without selectors, with
# the time the autofill adds per page.
shapes:
	CI=true $(GO) test ./browser -run 'TestShapes|TestShapeRefusalQuotesIdP|TestStallNamesWhatItSaw|TestPrefilledUsernameReplaced|TestDetectLoginForms' -v | grep -E '^(---|ok|FAIL)|autofill added'
	CI=true $(GO) test ./browser -run '^$$' -bench AutofillAdded -benchtime 1x

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

clean:
	rm -rf bin

demo:
	@command -v chromium >/dev/null || command -v google-chrome >/dev/null || { echo "installing Debian's chromium"; apt-get install -y -qq chromium >/dev/null || sudo apt-get install -y -qq chromium >/dev/null; }
	$(GO) run ./cmd/samlgo-demo
