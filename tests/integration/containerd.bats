#!/usr/bin/env bats
# husk as the runtime binary of containerd's runc shim (io.containerd.runc.v2),
# side by side with runc: a private containerd 1.6, a busybox image built
# here (umoci, skopeo, ctr images import), every scenario through `ctr`
# once per runtime. Test names are "containerd RUNTIME: SCENARIO", the same
# SCENARIO for both runtimes (the summary table pairs them by name).

bats_require_minimum_version 1.5.0

load helpers
load containerd_helpers

setup_file() {
	ctrd_setup_file
}

teardown_file() {
	ctrd_teardown_file
}

setup() {
	ctrd_setup
}

teardown() {
	ctrd_teardown
}

@test "containerd husk: run --rm with output" { ctrd_scenario_run_rm husk; }

@test "containerd runc: run --rm with output" { ctrd_scenario_run_rm runc; }

@test "containerd husk: exit code propagation" { ctrd_scenario_exit_code husk; }

@test "containerd runc: exit code propagation" { ctrd_scenario_exit_code runc; }

@test "containerd husk: env, cwd and read-only rootfs" { ctrd_scenario_env_cwd_readonly husk; }

@test "containerd runc: env, cwd and read-only rootfs" { ctrd_scenario_env_cwd_readonly runc; }

@test "containerd husk: exec in a detached task" { ctrd_scenario_exec husk; }

@test "containerd runc: exec in a detached task" { ctrd_scenario_exec runc; }

@test "containerd husk: exec with a tty" { ctrd_scenario_exec_tty husk; }

@test "containerd runc: exec with a tty" { ctrd_scenario_exec_tty runc; }

@test "containerd husk: run with a tty" { ctrd_scenario_run_tty husk; }

@test "containerd runc: run with a tty" { ctrd_scenario_run_tty runc; }

@test "containerd husk: exec as another user" { ctrd_scenario_exec_user husk; }

@test "containerd runc: exec as another user" { ctrd_scenario_exec_user runc; }

@test "containerd husk: task ps" { ctrd_scenario_ps husk; }

@test "containerd runc: task ps" { ctrd_scenario_ps runc; }

@test "containerd husk: pause and resume" { ctrd_scenario_pause_resume husk; }

@test "containerd runc: pause and resume" { ctrd_scenario_pause_resume runc; }

@test "containerd husk: kill with SIGTERM and SIGKILL" { ctrd_scenario_kill_term husk; }

@test "containerd runc: kill with SIGTERM and SIGKILL" { ctrd_scenario_kill_term runc; }

@test "containerd husk: kill --all" { ctrd_scenario_kill_all husk; }

@test "containerd runc: kill --all" { ctrd_scenario_kill_all runc; }

@test "containerd husk: task metrics" { ctrd_scenario_metrics husk; }

@test "containerd runc: task metrics" { ctrd_scenario_metrics runc; }

@test "containerd husk: memory limit in the host cgroup" { ctrd_scenario_memory_limit husk; }

@test "containerd runc: memory limit in the host cgroup" { ctrd_scenario_memory_limit runc; }

@test "containerd husk: OOM kill under the memory limit" { ctrd_scenario_oom husk; }

@test "containerd runc: OOM kill under the memory limit" { ctrd_scenario_oom runc; }

@test "containerd husk: delete leaves nothing behind" { ctrd_scenario_delete husk; }

@test "containerd runc: delete leaves nothing behind" { ctrd_scenario_delete runc; }

@test "containerd husk: create error: command not found" { ctrd_scenario_error_no_command husk; }

@test "containerd runc: create error: command not found" { ctrd_scenario_error_no_command runc; }

@test "containerd husk: create error: cwd is a file" { ctrd_scenario_error_cwd husk; }

@test "containerd runc: create error: cwd is a file" { ctrd_scenario_error_cwd runc; }

@test "containerd husk: create error: bad config.json" { ctrd_scenario_error_config husk; }

@test "containerd runc: create error: bad config.json" { ctrd_scenario_error_config runc; }

@test "containerd husk: contrib config sets BinaryName" { ctrd_scenario_contrib_config husk; }

@test "containerd runc: contrib config sets BinaryName" { ctrd_scenario_contrib_config runc; }
