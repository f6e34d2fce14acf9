#!/usr/bin/env bats
# podman 4.3 + conmon driving husk, side by side with runc: every scenario
# runs once per runtime, as "podman husk: SCENARIO" and "podman runc:
# SCENARIO" (runc's are skipped when runc is not installed). podman runs
# with private storage, run root, tmp dir, config and cgroup parent (see
# podman_helpers.bash); the runtimes keep their state in their default roots
# (/run/husk, /run/runc), where each test checks that its containers left
# nothing.

load helpers
load podman_helpers

bats_require_minimum_version 1.5.0

setup_file() {
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	command -v podman >/dev/null || skip "podman is not installed"
	command -v conmon >/dev/null || skip "conmon is not installed"
	podm_setup_file
}

teardown_file() {
	podm_teardown_file
}

setup() {
	podm_setup
}

teardown() {
	podm_teardown
}

@test "podman husk: run --rm prints the output" { podm_sc_run_output husk; }
@test "podman runc: run --rm prints the output" { podm_sc_run_output runc; }

@test "podman husk: exit code" { podm_sc_exit_code husk; }
@test "podman runc: exit code" { podm_sc_exit_code runc; }

@test "podman husk: stdin with -i" { podm_sc_stdin husk; }
@test "podman runc: stdin with -i" { podm_sc_stdin runc; }

@test "podman husk: default seccomp and capabilities" { podm_sc_seccomp_caps husk; }
@test "podman runc: default seccomp and capabilities" { podm_sc_seccomp_caps runc; }

@test "podman husk: --user, --cap-drop, --read-only" { podm_sc_user_capdrop_readonly husk; }
@test "podman runc: --user, --cap-drop, --read-only" { podm_sc_user_capdrop_readonly runc; }

@test "podman husk: -t terminal" { podm_sc_tty husk; }
@test "podman runc: -t terminal" { podm_sc_tty runc; }

@test "podman husk: --memory" { podm_sc_memory husk; }
@test "podman runc: --memory" { podm_sc_memory runc; }

@test "podman husk: --pids-limit" { podm_sc_pids_limit husk; }
@test "podman runc: --pids-limit" { podm_sc_pids_limit runc; }

@test "podman husk: run -d, exec, stop, start, rm" { podm_sc_detach_exec_stop_start husk; }
@test "podman runc: run -d, exec, stop, start, rm" { podm_sc_detach_exec_stop_start runc; }

@test "podman husk: ps and top" { podm_sc_ps_top husk; }
@test "podman runc: ps and top" { podm_sc_ps_top runc; }

@test "podman husk: pause and unpause" { podm_sc_pause husk; }
@test "podman runc: pause and unpause" { podm_sc_pause runc; }

@test "podman husk: logs" { podm_sc_logs husk; }
@test "podman runc: logs" { podm_sc_logs runc; }

@test "podman husk: kill" { podm_sc_kill husk; }
@test "podman runc: kill" { podm_sc_kill runc; }

@test "podman husk: --init" { podm_sc_init husk; }
@test "podman runc: --init" { podm_sc_init runc; }

@test "podman husk: --preserve-fds" { podm_sc_preserve_fds husk; }
@test "podman runc: --preserve-fds" { podm_sc_preserve_fds runc; }

@test "podman husk: --runtime-flag, and the runtime command lines" { podm_sc_runtime_flag husk; }
@test "podman runc: --runtime-flag, and the runtime command lines" { podm_sc_runtime_flag runc; }
