/* config.json parser: a table of good and bad documents, the derived
 * fields of good ones, and documents built to stress the parser (huge
 * arrays, deep nesting, odd bytes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "husk/spec.h"

/* ---- helpers ---- */

/* Test documents are written with ' for " to stay readable in C. */
static char *q(const char *s) {
  char *r = strdup(s);
  assert_non_null(r);
  for (char *p = r; *p; p++)
    if (*p == '\'')
      *p = '"';
  return r;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...) {
  char *s = NULL;
  va_list ap;
  va_start(ap, f);
  assert_true(vasprintf(&s, f, ap) >= 0);
  va_end(ap);
  return s;
}

static void *xmalloc(size_t n) {
  void *p = malloc(n);
  if (!p)
    abort();
  return p;
}

/* Parse; on failure return the message (caller frees), else NULL. */
static char *parse_error(const char *json, size_t len, husk_spec_t **out) {
  husk_error_t *err = NULL;
  husk_spec_t *spec = NULL;
  int r = husk_spec_parse(json, len, "config.json", &spec, &err);
  if (r == 0) {
    assert_null(err);
    assert_non_null(spec);
    if (out)
      *out = spec;
    else
      husk_spec_free(spec);
    return NULL;
  }
  assert_int_equal(r, -1);
  assert_non_null(err);
  assert_null(spec);
  char *msg = strdup(err->msg);
  husk_error_free(err);
  return msg;
}

static husk_spec_t *must_parse(const char *json) {
  husk_spec_t *spec = NULL;
  char *msg = parse_error(json, strlen(json), &spec);
  if (msg) {
    fail_msg("unexpected error: %s", msg);
  }
  return spec;
}

static void must_fail(const char *json, size_t len, const char *want) {
  char *msg = parse_error(json, len, NULL);
  if (!msg)
    fail_msg("parsed, but expected error \"%s\"", want);
  if (!strstr(msg, want))
    fail_msg("error \"%s\" does not contain \"%s\"", msg, want);
  free(msg);
}

/* ---- the table ---- */

typedef struct {
  const char *name;
  const char *top;     /* members added to the document */
  const char *process; /* members added to process */
  const char *linux_;  /* members added to linux */
  const char *raw;     /* the whole document instead */
  const char *error;   /* NULL: must parse; "=..." exact message */
} tcase_t;

/* A later duplicate key wins, so members added after the base override. */
static char *build_doc(const tcase_t *tc) {
  if (tc->raw)
    return q(tc->raw);
  char *d = fmt("{'ociVersion':'1.2.0','root':{'path':'rootfs'},"
                "'process':{'args':['sh'],'cwd':'/'%s%s},"
                "'linux':{'namespaces':[{'type':'mount'}]%s%s}%s%s}",
                tc->process ? "," : "", tc->process ? tc->process : "",
                tc->linux_ ? "," : "", tc->linux_ ? tc->linux_ : "",
                tc->top ? "," : "", tc->top ? tc->top : "");
  char *r = q(d);
  free(d);
  return r;
}

#define GOOD(n, ...)                                                           \
  { .name = n, __VA_ARGS__, .error = NULL }
#define BAD(n, e, ...)                                                         \
  { .name = n, __VA_ARGS__, .error = e }

static const tcase_t cases[] = {
    /* documents and top-level keys */
    GOOD("minimal", .top = NULL),
    GOOD("unknown keys ignored", .top = "'solaris':{},'x-vendor':[1,{}]",
         .process = "'futureKey':true", .linux_ = "'newThing':{'a':1}"),
    GOOD("null means absent", .top = "'hostname':null,'hooks':null",
         .process = "'env':null,'user':null", .linux_ = "'sysctl':null"),
    GOOD("prerelease version", .top = "'ociVersion':'1.1.0-rc.1'"),
    GOOD("build metadata", .top = "'ociVersion':'1.0.2+dev'"),
    GOOD("no process (parse only)",
         .raw = "{'ociVersion':'1.0.0','root':{'path':'r'}}"),
    BAD("truncated", "config.json: invalid JSON",
        .raw = "{'ociVersion':'1.2.0','root':{'pa"),
    BAD("trailing garbage", "config.json: invalid JSON",
        .raw = "{'ociVersion':'1.2.0'} x"),
    BAD("empty", "config.json: invalid JSON", .raw = ""),
    BAD("not an object", "=config.json: expected an object, got array",
        .raw = "[]"),
    BAD("no ociVersion", "=config.json: ociVersion: required",
        .raw = "{'root':{'path':'r'}}"),
    BAD("ociVersion 2", "ociVersion: unsupported version \"2.0.0\"",
        .top = "'ociVersion':'2.0.0'"),
    BAD("ociVersion 0.x", "ociVersion: unsupported version",
        .top = "'ociVersion':'0.5.0'"),
    BAD("ociVersion junk", "ociVersion: invalid version \"1.x\"",
        .top = "'ociVersion':'1.x'"),
    BAD("ociVersion short", "ociVersion: invalid version \"1.0\"",
        .top = "'ociVersion':'1.0'"),
    BAD("ociVersion type",
        "config.json: ociVersion: expected a string, got number",
        .top = "'ociVersion':1"),
    BAD("no root", "=config.json: root: required",
        .raw = "{'ociVersion':'1.2.0'}"),
    BAD("root type", "root: expected an object, got string",
        .top = "'root':'rootfs'"),
    BAD("no root.path", "=config.json: root.path: required",
        .top = "'root':{'readonly':true}"),
    BAD("empty root.path", "root.path: must not be empty",
        .top = "'root':{'path':''}"),
    BAD("root.readonly type", "root.readonly: expected a boolean, got string",
        .top = "'root':{'path':'r','readonly':'yes'}"),
    BAD("hostname type", "hostname: expected a string, got number",
        .top = "'hostname':7"),
    BAD("hostname without uts", "hostname: requires a UTS namespace",
        .top = "'hostname':'box'"),
    GOOD("hostname with uts", .top = "'hostname':'box','domainname':'d'",
         .linux_ = "'namespaces':[{'type':'uts'}]"),
    BAD("domainname without uts", "domainname: requires a UTS namespace",
        .top = "'domainname':'d'"),
    BAD("annotations type", "annotations: expected an object, got array",
        .top = "'annotations':[]"),
    BAD("annotation value",
        "=config.json: annotations[\"a.b\"]: expected a "
        "string, got number",
        .top = "'annotations':{'a.b':1}"),
    BAD("linux type", "=config.json: linux: expected an object, got array",
        .top = "'linux':[]"),
    BAD("process type", "process: expected an object, got boolean",
        .top = "'process':true"),

    /* process */
    BAD("uid string",
        "=config.json: process.user.uid: expected an integer, "
        "got string",
        .process = "'user':{'uid':'0'}"),
    BAD("uid negative", "=config.json: process.user.uid: value out of range",
        .process = "'user':{'uid':-1}"),
    BAD("uid too big", "process.user.uid: value out of range",
        .process = "'user':{'uid':4294967296}"),
    GOOD("uid max", .process = "'user':{'uid':4294967295,'gid':4294967295}"),
    BAD("gid fraction", "process.user.gid: expected an integer, got 1.5",
        .process = "'user':{'gid':1.5}"),
    BAD("gid exponent", "process.user.gid: expected an integer, got 1e3",
        .process = "'user':{'gid':1e3}"),
    BAD("umask range", "process.user.umask: value out of range",
        .process = "'user':{'umask':512}"),
    BAD("additionalGids",
        "process.user.additionalGids[1]: expected an "
        "integer, got string",
        .process = "'user':{'additionalGids':[1,'2']}"),
    BAD("user type", "process.user: expected an object, got array",
        .process = "'user':[]"),
    BAD("no args", "=config.json: process.args: required",
        .raw = "{'ociVersion':'1.2.0','root':{'path':'r'},"
               "'process':{'cwd':'/'}}"),
    BAD("empty args", "process.args: must not be empty",
        .process = "'args':[]"),
    BAD("args element", "process.args[1]: expected a string, got number",
        .process = "'args':['sh',1]"),
    BAD("args null element", "process.args[0]: expected a string, got null",
        .process = "'args':[null]"),
    BAD("no cwd", "process.cwd: required",
        .raw = "{'ociVersion':'1.2.0','root':{'path':'r'},"
               "'process':{'args':['sh']}}"),
    BAD("relative cwd", "process.cwd: \"tmp\" is not an absolute path",
        .process = "'cwd':'tmp'"),
    BAD("env without =", "process.env[1]: \"FOO\" is not of the form",
        .process = "'env':['A=1','FOO']"),
    BAD("env empty name", "process.env[0]: \"=x\" is not of the form",
        .process = "'env':['=x']"),
    BAD("env type", "process.env: expected an array, got string",
        .process = "'env':'A=1'"),
    BAD("terminal type", "process.terminal: expected a boolean, got string",
        .process = "'terminal':'true'"),
    BAD("consoleSize width", "process.consoleSize.width: required",
        .process = "'consoleSize':{'height':1}"),
    BAD("unknown capability",
        "=config.json: process.capabilities.bounding[3]: "
        "unknown capability \"CAP_TEST\"",
        .process = "'capabilities':{'bounding':['CAP_KILL','CAP_CHOWN',"
                   "'CAP_SYS_ADMIN','CAP_TEST']}"),
    BAD("lower-case capability",
        "capabilities.effective[0]: unknown "
        "capability \"cap_kill\"",
        .process = "'capabilities':{'effective':['cap_kill']}"),
    BAD("capability without prefix", "unknown capability \"KILL\"",
        .process = "'capabilities':{'ambient':['KILL']}"),
    BAD("capability with flags", "unknown capability \"CAP_KILL+ep\"",
        .process = "'capabilities':{'permitted':['CAP_KILL+ep']}"),
    BAD("capability number", "unknown capability \"7\"",
        .process = "'capabilities':{'inheritable':['7']}"),
    GOOD("all capability sets",
         .process = "'capabilities':{'bounding':['CAP_BPF'],'effective':[],"
                    "'inheritable':['CAP_CHOWN'],'permitted':['CAP_KILL'],"
                    "'ambient':['CAP_SYS_NICE']}"),
    BAD("unknown rlimit",
        "=config.json: process.rlimits[0].type: unknown "
        "rlimit \"RLIMIT_FOO\"",
        .process = "'rlimits':[{'type':'RLIMIT_FOO','soft':1,'hard':1}]"),
    BAD("duplicate rlimit",
        "process.rlimits[1].type: duplicate rlimit "
        "\"RLIMIT_NOFILE\"",
        .process = "'rlimits':[{'type':'RLIMIT_NOFILE','soft':1,'hard':1},"
                   "{'type':'RLIMIT_NOFILE','soft':2,'hard':2}]"),
    BAD("soft above hard",
        "process.rlimits[0]: RLIMIT_CORE: soft limit 2 is above the hard limit "
        "1",
        .process = "'rlimits':[{'type':'RLIMIT_CORE','soft':2,'hard':1}]"),
    BAD("rlimit without hard", "process.rlimits[0].hard: required",
        .process = "'rlimits':[{'type':'RLIMIT_CORE','soft':2}]"),
    BAD("rlimit negative", "process.rlimits[0].soft: value out of range",
        .process = "'rlimits':[{'type':'RLIMIT_CORE','soft':-1,'hard':1}]"),
    GOOD("rlimit above INT64_MAX",
         .process = "'rlimits':[{'type':'RLIMIT_AS','soft':9223372036854775808,"
                    "'hard':18446744073709551615}]"),
    BAD("rlimit above UINT64_MAX",
        "process.rlimits[0].hard: value out of range",
        .process = "'rlimits':[{'type':'RLIMIT_AS','soft':1,"
                   "'hard':18446744073709551616}]"),
    BAD("rlimit element type",
        "process.rlimits[0]: expected an object, got "
        "string",
        .process = "'rlimits':['RLIMIT_AS']"),
    BAD("oomScoreAdj range", "process.oomScoreAdj: value out of range",
        .process = "'oomScoreAdj':1001"),
    BAD("oomScoreAdj low", "process.oomScoreAdj: value out of range",
        .process = "'oomScoreAdj':-1001"),
    BAD("noNewPrivileges type", "process.noNewPrivileges: expected a boolean",
        .process = "'noNewPrivileges':1"),
    BAD("ioPriority class",
        "process.ioPriority.class: unknown I/O priority "
        "class \"IOPRIO_CLASS_NONE\"",
        .process = "'ioPriority':{'class':'IOPRIO_CLASS_NONE'}"),
    BAD("ioPriority priority",
        "process.ioPriority.priority: value out of range",
        .process = "'ioPriority':{'class':'IOPRIO_CLASS_RT','priority':8}"),
    BAD("ioPriority without class", "process.ioPriority.class: required",
        .process = "'ioPriority':{'priority':1}"),
    BAD("scheduler policy",
        "process.scheduler.policy: unknown scheduler "
        "policy \"SCHED_FAST\"",
        .process = "'scheduler':{'policy':'SCHED_FAST'}"),
    BAD("scheduler flag", "process.scheduler.flags[1]: unknown scheduler flag",
        .process = "'scheduler':{'policy':'SCHED_OTHER','flags':"
                   "['SCHED_FLAG_RECLAIM','SCHED_FLAG_TURBO']}"),
    BAD("scheduler nice", "process.scheduler.nice: value out of range",
        .process = "'scheduler':{'policy':'SCHED_OTHER','nice':20}"),
    BAD("scheduler runtime", "process.scheduler.runtime: value out of range",
        .process = "'scheduler':{'policy':'SCHED_OTHER','runtime':-1}"),
    BAD("affinity", "process.execCPUAffinity.initial: invalid CPU list \"0-\"",
        .process = "'execCPUAffinity':{'initial':'0-'}"),
    BAD("affinity reversed", "execCPUAffinity.final: invalid CPU list \"3-1\"",
        .process = "'execCPUAffinity':{'final':'3-1'}"),
    GOOD("affinity forms", .process = "'execCPUAffinity':{'initial':"
                                      "'0-15:2/4,17,N','final':''}"),

    /* mounts */
    BAD("mounts type", "=config.json: mounts: expected an array, got object",
        .top = "'mounts':{}"),
    BAD("mount destination",
        "mounts[1].destination: \"proc\" is not an "
        "absolute path",
        .top = "'mounts':[{'destination':'/a'},{'destination':'proc'}]"),
    BAD("mount no destination", "mounts[0].destination: required",
        .top = "'mounts':[{'type':'tmpfs'}]"),
    BAD("mount option type", "mounts[0].options[0]: expected a string",
        .top = "'mounts':[{'destination':'/a','options':[1]}]"),
    BAD("mount half idmap", "mounts[0].gidMappings: required with uidMappings",
        .top = "'mounts':[{'destination':'/a','uidMappings':"
               "[{'containerID':0,'hostID':1,'size':1}]}]"),
    BAD("mount idmap overlap",
        "mounts[0].uidMappings: host ID ranges of [0] "
        "and [1] overlap",
        .top = "'mounts':[{'destination':'/a','uidMappings':"
               "[{'containerID':0,'hostID':10,'size':5},"
               "{'containerID':100,'hostID':14,'size':1}]}]"),

    /* hooks */
    BAD("hook path", "hooks.prestart[0].path: \"hook\" is not an absolute",
        .top = "'hooks':{'prestart':[{'path':'hook'}]}"),
    BAD("hook no path", "hooks.createRuntime[0].path: required",
        .top = "'hooks':{'createRuntime':[{'args':[]}]}"),
    BAD("hook timeout", "hooks.poststop[1].timeout: value out of range",
        .top =
            "'hooks':{'poststop':[{'path':'/a'},{'path':'/b','timeout':0}]}"),
    BAD("hook env", "hooks.startContainer[0].env[0]: \"X\" is not of the form",
        .top = "'hooks':{'startContainer':[{'path':'/a','env':['X']}]}"),
    BAD("hooks list type", "hooks.poststart: expected an array, got object",
        .top = "'hooks':{'poststart':{}}"),
    GOOD("unknown hook list", .top = "'hooks':{'prestop':[{'path':'x'}]}"),

    /* linux: namespaces and ids */
    BAD("unknown namespace",
        "=config.json: linux.namespaces[2].type: unknown "
        "namespace \"netw\"",
        .linux_ = "'namespaces':[{'type':'pid'},{'type':'ipc'},"
                  "{'type':'netw'}]"),
    BAD("duplicate namespace",
        "linux.namespaces[2].type: duplicate "
        "namespace \"pid\"",
        .linux_ = "'namespaces':[{'type':'pid'},{'type':'ipc'},"
                  "{'type':'pid','path':'/proc/1/ns/pid'}]"),
    BAD("namespace no type", "linux.namespaces[0].type: required",
        .linux_ = "'namespaces':[{'path':'/x'}]"),
    BAD("namespace path", "linux.namespaces[0].path: \"proc/1/ns/net\" is not",
        .linux_ = "'namespaces':[{'type':'network','path':'proc/1/ns/net'}]"),
    BAD("namespace element",
        "linux.namespaces[0]: expected an object, got "
        "string",
        .linux_ = "'namespaces':['pid']"),
    BAD("mappings without userns",
        "linux.uidMappings: requires a user "
        "namespace",
        .linux_ = "'uidMappings':[{'containerID':0,'hostID':1000,'size':1}]"),
    BAD("gid mappings without userns", "linux.gidMappings: requires a user",
        .linux_ = "'gidMappings':[{'containerID':0,'hostID':1000,'size':1}]"),
    BAD("container overlap",
        "linux.uidMappings: container ID ranges of [0] "
        "and [2] overlap",
        .linux_ = "'namespaces':[{'type':'user'}],'uidMappings':["
                  "{'containerID':0,'hostID':1000,'size':10},"
                  "{'containerID':100,'hostID':2000,'size':10},"
                  "{'containerID':9,'hostID':3000,'size':1}]"),
    BAD("host overlap", "linux.gidMappings: host ID ranges of [0] and [1]",
        .linux_ = "'namespaces':[{'type':'user'}],'gidMappings':["
                  "{'containerID':0,'hostID':1000,'size':10},"
                  "{'containerID':10,'hostID':1005,'size':10}]"),
    BAD("mapping size 0", "linux.uidMappings[0].size: value out of range",
        .linux_ = "'namespaces':[{'type':'user'}],'uidMappings':["
                  "{'containerID':0,'hostID':1000,'size':0}]"),
    BAD("mapping overflow", "linux.uidMappings[0]: id range exceeds 32 bits",
        .linux_ = "'namespaces':[{'type':'user'}],'uidMappings':["
                  "{'containerID':4294967295,'hostID':0,'size':2}]"),
    BAD("mapping hostID", "linux.uidMappings[0].hostID: required",
        .linux_ = "'namespaces':[{'type':'user'}],'uidMappings':["
                  "{'containerID':0,'size':2}]"),
    GOOD("adjacent mappings",
         .linux_ = "'namespaces':[{'type':'user'}],'uidMappings':["
                   "{'containerID':1,'hostID':101,'size':9},"
                   "{'containerID':0,'hostID':100,'size':1}]"),
    BAD("time clock", "linux.timeOffsets[\"realtime\"]: unknown clock",
        .linux_ = "'timeOffsets':{'realtime':{'secs':1}}"),
    BAD("time nanosecs", "linux.timeOffsets[\"boottime\"].nanosecs: value out",
        .linux_ = "'timeOffsets':{'boottime':{'nanosecs':1000000000}}"),
    BAD("time secs type",
        "linux.timeOffsets[\"monotonic\"].secs: expected an "
        "integer, got string",
        .linux_ = "'timeOffsets':{'monotonic':{'secs':'1'}}"),

    /* linux.devices */
    BAD("device type", "linux.devices[0].type: unknown device type \"x\"",
        .linux_ = "'devices':[{'type':'x','path':'/dev/x'}]"),
    BAD("device path", "linux.devices[0].path: \"dev/x\" is not an absolute",
        .linux_ = "'devices':[{'type':'c','path':'dev/x','major':1,"
                  "'minor':3}]"),
    BAD("device major",
        "linux.devices[0].major: required for a device of "
        "type c",
        .linux_ = "'devices':[{'type':'c','path':'/dev/x','minor':3}]"),
    BAD("device minor",
        "linux.devices[0].minor: required for a device of "
        "type u",
        .linux_ = "'devices':[{'type':'u','path':'/dev/x','major':3}]"),
    BAD("device mode", "linux.devices[0].fileMode: value out of range",
        .linux_ = "'devices':[{'type':'p','path':'/dev/x','fileMode':8192}]"),
    BAD("device uid", "linux.devices[0].uid: value out of range",
        .linux_ = "'devices':[{'type':'p','path':'/dev/x','uid':-5}]"),

    /* linux.resources */
    BAD("memory.limit type",
        "=config.json: linux.resources.memory.limit: "
        "expected an integer, got string",
        .linux_ = "'resources':{'memory':{'limit':'1G'}}"),
    BAD("memory.limit above INT64_MAX",
        "=config.json: linux.resources.memory."
        "limit: value out of range",
        .linux_ = "'resources':{'memory':{'limit':9223372036854775808}}"),
    BAD("memory.limit -2", "linux.resources.memory.limit: value out of range",
        .linux_ = "'resources':{'memory':{'limit':-2}}"),
    GOOD("memory unlimited", .linux_ = "'resources':{'memory':{'limit':-1,"
                                       "'swap':-1,'swappiness':-1}}"),
    BAD("swap below limit", "linux.resources.memory.swap: memory+swap limit",
        .linux_ = "'resources':{'memory':{'limit':2000,'swap':1000}}"),
    BAD("swappiness", "linux.resources.memory.swappiness: value out of range",
        .linux_ = "'resources':{'memory':{'swappiness':101}}"),
    BAD("memory bool",
        "linux.resources.memory.disableOOMKiller: expected a "
        "boolean",
        .linux_ = "'resources':{'memory':{'disableOOMKiller':0}}"),
    BAD("cpu.shares negative", "linux.resources.cpu.shares: value out of range",
        .linux_ = "'resources':{'cpu':{'shares':-1}}"),
    GOOD("cpu.shares huge",
         .linux_ = "'resources':{'cpu':{'shares':18446744073709551615,"
                   "'quota':-1}}"),
    BAD("cpu.cpus", "linux.resources.cpu.cpus: invalid CPU list \"a\"",
        .linux_ = "'resources':{'cpu':{'cpus':'a'}}"),
    BAD("cpu.mems", "linux.resources.cpu.mems: invalid node list \"0,\"",
        .linux_ = "'resources':{'cpu':{'mems':'0,'}}"),
    BAD("pids.limit",
        "linux.resources.pids.limit: expected an integer, got "
        "string",
        .linux_ = "'resources':{'pids':{'limit':'max'}}"),
    BAD("blkio weight low",
        "linux.resources.blockIO.weight: value out of range",
        .linux_ = "'resources':{'blockIO':{'weight':9}}"),
    BAD("blkio weight high", "linux.resources.blockIO.leafWeight: value out",
        .linux_ = "'resources':{'blockIO':{'leafWeight':1001}}"),
    BAD("blkio weightDevice",
        "linux.resources.blockIO.weightDevice[0].minor: "
        "required",
        .linux_ = "'resources':{'blockIO':{'weightDevice':[{'major':8}]}}"),
    BAD("blkio throttle rate",
        "blockIO.throttleWriteIOPSDevice[0].rate: value "
        "out of range",
        .linux_ = "'resources':{'blockIO':{'throttleWriteIOPSDevice':"
                  "[{'major':8,'minor':0,'rate':-1}]}}"),
    BAD("rule type",
        "linux.resources.devices[1].type: unknown device type "
        "\"u\"",
        .linux_ = "'resources':{'devices':[{'allow':false},"
                  "{'allow':true,'type':'u'}]}"),
    BAD("rule access",
        "linux.resources.devices[0].access: invalid access "
        "\"rwx\"",
        .linux_ = "'resources':{'devices':[{'allow':true,'access':'rwx'}]}"),
    BAD("rule access repeat", "devices[0].access: invalid access \"rr\"",
        .linux_ = "'resources':{'devices':[{'allow':true,'access':'rr'}]}"),
    BAD("rule allow", "linux.resources.devices[0].allow: required",
        .linux_ = "'resources':{'devices':[{'access':'r'}]}"),
    BAD("rule major", "linux.resources.devices[0].major: value out of range",
        .linux_ = "'resources':{'devices':[{'allow':true,'major':-2}]}"),
    BAD("hugepage size",
        "linux.resources.hugepageLimits[0].pageSize: invalid "
        "page size \"2M\"",
        .linux_ = "'resources':{'hugepageLimits':[{'pageSize':'2M',"
                  "'limit':1}]}"),
    BAD("hugepage limit", "hugepageLimits[0].limit: required",
        .linux_ = "'resources':{'hugepageLimits':[{'pageSize':'2MB'}]}"),
    BAD("network priority",
        "linux.resources.network.priorities[0].name: "
        "required",
        .linux_ = "'resources':{'network':{'priorities':[{'priority':1}]}}"),
    BAD("network classID",
        "linux.resources.network.classID: value out of "
        "range",
        .linux_ = "'resources':{'network':{'classID':4294967296}}"),
    BAD("rdma",
        "linux.resources.rdma[\"mlx5_0\"].hcaHandles: value out of "
        "range",
        .linux_ = "'resources':{'rdma':{'mlx5_0':{'hcaHandles':-1}}}"),
    BAD("rdma entry", "linux.resources.rdma[\"mlx5_0\"]: expected an object",
        .linux_ = "'resources':{'rdma':{'mlx5_0':1}}"),
    BAD("unified traversal",
        "linux.resources.unified[\"../../x\"]: invalid "
        "cgroup file name",
        .linux_ = "'resources':{'unified':{'../../x':'1'}}"),
    BAD("unified value",
        "linux.resources.unified[\"memory.max\"]: expected a "
        "string, got number",
        .linux_ = "'resources':{'unified':{'memory.max':1}}"),
    BAD("resources type", "linux.resources: expected an object, got string",
        .linux_ = "'resources':'none'"),

    /* linux.seccomp */
    BAD("seccomp default",
        "=config.json: linux.seccomp.defaultAction: unknown "
        "seccomp action \"SCMP_ACT_FOO\"",
        .linux_ = "'seccomp':{'defaultAction':'SCMP_ACT_FOO'}"),
    BAD("seccomp no default", "linux.seccomp.defaultAction: required",
        .linux_ = "'seccomp':{'syscalls':[]}"),
    BAD("seccomp rule action",
        "linux.seccomp.syscalls[1].action: unknown "
        "seccomp action \"ALLOW\"",
        .linux_ = "'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
                  "{'names':['read'],'action':'SCMP_ACT_LOG'},"
                  "{'names':['write'],'action':'ALLOW'}]}"),
    BAD("seccomp op",
        "linux.seccomp.syscalls[0].args[0].op: unknown seccomp "
        "operator \"SCMP_CMP_XOR\"",
        .linux_ = "'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
                  "{'names':['read'],'action':'SCMP_ACT_ERRNO','args':"
                  "[{'index':0,'value':1,'op':'SCMP_CMP_XOR'}]}]}"),
    BAD("seccomp arg index",
        "linux.seccomp.syscalls[0].args[0].index: value "
        "out of range",
        .linux_ = "'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
                  "{'names':['read'],'action':'SCMP_ACT_ERRNO','args':"
                  "[{'index':6,'value':1,'op':'SCMP_CMP_EQ'}]}]}"),
    GOOD("seccomp arg value huge",
         .linux_ = "'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
                   "{'names':['read'],'action':'SCMP_ACT_ERRNO','args':"
                   "[{'index':5,'value':18446744073709551615,"
                   "'valueTwo':9223372036854775808,'op':'SCMP_CMP_MASKED_EQ'}"
                   "]}]}"),
    BAD("seccomp arch",
        "linux.seccomp.architectures[1]: unknown architecture "
        "\"x86_64\"",
        .linux_ = "'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','architectures':"
                  "['SCMP_ARCH_X86','x86_64']}"),
    BAD("seccomp flag",
        "linux.seccomp.flags[0]: unknown seccomp flag "
        "\"SECCOMP_FILTER_FLAG_NEW_LISTENER\"",
        .linux_ = "'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','flags':"
                  "['SECCOMP_FILTER_FLAG_NEW_LISTENER']}"),
    BAD("seccomp names empty",
        "linux.seccomp.syscalls[0].names: must not be "
        "empty",
        .linux_ = "'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
                  "{'names':[],'action':'SCMP_ACT_LOG'}]}"),
    BAD("seccomp empty name", "linux.seccomp.syscalls[0].names[1]: empty",
        .linux_ = "'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
                  "{'names':['read',''],'action':'SCMP_ACT_LOG'}]}"),
    BAD("seccomp errnoRet", "linux.seccomp.defaultErrnoRet: value out of range",
        .linux_ = "'seccomp':{'defaultAction':'SCMP_ACT_ERRNO',"
                  "'defaultErrnoRet':-1}"),
    BAD("seccomp notify",
        "linux.seccomp.listenerPath: required by "
        "SCMP_ACT_NOTIFY",
        .linux_ = "'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
                  "{'names':['mkdir'],'action':'SCMP_ACT_NOTIFY'}]}"),

    /* the rest of linux */
    BAD("propagation",
        "=config.json: linux.rootfsPropagation: unknown "
        "propagation \"rsharedd\"",
        .linux_ = "'rootfsPropagation':'rsharedd'"),
    BAD("personality",
        "linux.personality.domain: unknown personality domain "
        "\"LINUX64\"",
        .linux_ = "'personality':{'domain':'LINUX64'}"),
    BAD("personality flags",
        "=config.json: linux.personality.flags[0]: unknown personality "
        "flag \"ADDR_NO_RANDOMIZE\" (none are defined)",
        .linux_ = "'personality':{'domain':'LINUX32','flags':"
                  "['ADDR_NO_RANDOMIZE']}"),
    BAD("memoryPolicy mode",
        "linux.memoryPolicy.mode: unknown memory policy "
        "mode \"MPOL_FAST\"",
        .linux_ = "'memoryPolicy':{'mode':'MPOL_FAST'}"),
    BAD("memoryPolicy no mode", "linux.memoryPolicy.mode: required",
        .linux_ = "'memoryPolicy':{'nodes':'0'}"),
    BAD("memoryPolicy nodes", "linux.memoryPolicy.nodes: invalid node list",
        .linux_ = "'memoryPolicy':{'mode':'MPOL_BIND','nodes':'0-x'}"),
    BAD("memoryPolicy flags",
        "linux.memoryPolicy.flags[0]: unknown memory "
        "policy flag",
        .linux_ = "'memoryPolicy':{'mode':'MPOL_BIND','flags':['MPOL_F_X']}"),
    BAD("maskedPaths",
        "linux.maskedPaths[1]: \"proc/kcore\" is not an "
        "absolute path",
        .linux_ = "'maskedPaths':['/a','proc/kcore']"),
    BAD("readonlyPaths", "linux.readonlyPaths: expected an array, got string",
        .linux_ = "'readonlyPaths':'/proc'"),
    BAD("sysctl",
        "linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string, "
        "got number",
        .linux_ = "'sysctl':{'net.ipv4.ip_forward':1}"),
    BAD("intelRdt", "linux.intelRdt.enableCMT: expected a boolean, got string",
        .linux_ = "'intelRdt':{'enableCMT':'yes'}"),
    BAD("netDevices name",
        "linux.netDevices[\"eth0\"].name: invalid network "
        "device name \"a/b\"",
        .linux_ = "'namespaces':[{'type':'network'}],"
                  "'netDevices':{'eth0':{'name':'a/b'}}"),
    BAD("netDevices key",
        "linux.netDevices[\"averyveryverylongname\"]: "
        "invalid network device name",
        .linux_ = "'namespaces':[{'type':'network'}],"
                  "'netDevices':{'averyveryverylongname':{}}"),
    BAD("netDevices without netns",
        "linux.netDevices: requires a network "
        "namespace",
        .linux_ = "'netDevices':{'eth0':{}}"),
    BAD("cgroupsPath", "linux.cgroupsPath: expected a string, got array",
        .linux_ = "'cgroupsPath':[]"),
    BAD("mountLabel", "linux.mountLabel: expected a string, got object",
        .linux_ = "'mountLabel':{}"),

    /* bytes */
    BAD("NUL escape", "config.json: string with a NUL character",
        .process = "'args':['a\\u0000b']"),
    BAD("NUL escape in key", "NUL character",
        .top = "'annotations':{'k\\u0000':'v'}"),
    GOOD("escaped backslash before u0000", .process = "'args':['a\\\\u0000b']"),
    GOOD("unicode escapes", .process = "'args':['\\u00e9\\ud83d\\ude00']"),
};

static void test_table(void **state) {
  (void)state;
  int failed = 0;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const tcase_t *tc = &cases[i];
    char *doc = build_doc(tc);
    husk_spec_t *spec = NULL;
    char *msg = parse_error(doc, strlen(doc), &spec);
    husk_spec_free(spec);
    const char *want = tc->error;
    bool exact = want && want[0] == '=';
    if (exact)
      want++;
    if (!want && msg) {
      print_error("[%s] unexpected error: %s\n", tc->name, msg);
      failed++;
    } else if (want && !msg) {
      print_error("[%s] parsed, expected: %s\n", tc->name, want);
      failed++;
    } else if (want && (exact ? strcmp(msg, want) != 0 : !strstr(msg, want))) {
      print_error("[%s] got \"%s\", expected%s \"%s\"\n", tc->name, msg,
                  exact ? "" : " a message containing", want);
      failed++;
    }
    free(msg);
    free(doc);
  }
  assert_int_equal(failed, 0);
}

/* ---- raw bytes ---- */

static void test_raw_bytes(void **state) {
  (void)state;
  /* Invalid UTF-8 inside a string. */
  static const struct {
    const char *text, *error;
  } bad[] = {
      {"{'ociVersion':'1.2.0','root':{'path':'r\xff\xfe'}}",
       "config.json: invalid UTF-8 at byte 39"},
      /* Overlong encodings of '/' and of NUL. */
      {"{'ociVersion':'1.2.0','root':{'path':'\xc0\xaf'}}", "invalid UTF-8"},
      {"{'ociVersion':'1.2.0','root':{'path':'\xe0\x80\xaf'}}",
       "invalid UTF-8"},
      {"{'ociVersion':'1.2.0','root':{'path':'\xc0\x80'}}", "invalid UTF-8"},
      /* A UTF-16 surrogate, above U+10FFFF, a cut-off sequence. */
      {"{'ociVersion':'1.2.0','root':{'path':'\xed\xa0\x80'}}",
       "invalid UTF-8"},
      {"{'ociVersion':'1.2.0','root':{'path':'\xf4\x90\x80\x80'}}",
       "invalid UTF-8"},
      {"{'ociVersion':'1.2.0','root':{'path':'\xe2\x82'}}", "invalid UTF-8"},
      /* Outside strings too. */
      {"{'ociVersion':'1.2.0'}\x80", "invalid UTF-8"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char *doc = q(bad[i].text);
    must_fail(doc, strlen(doc), bad[i].error);
    free(doc);
  }
  char *doc;
  /* A literal NUL byte: the length, not strlen, is what is parsed. */
  static const char nul[] =
      "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\0\"}}";
  must_fail(nul, sizeof nul - 1, "NUL");
  /* Valid UTF-8 survives unchanged. */
  husk_spec_t *spec = must_parse("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":"
                                 "\"r\xc3\xa9\xf0\x9f\x98\x80\"}}");
  assert_string_equal(spec->root.path, "r\xc3\xa9\xf0\x9f\x98\x80");
  husk_spec_free(spec);
  /* A control character is escaped in the error message. */
  doc = q("{'ociVersion':'1.2.0','root':{'path':'r'},'linux':{'namespaces':"
          "[{'type':'a\\nb'}]}}");
  must_fail(doc, strlen(doc), "unknown namespace \"a\\x0ab\"");
  free(doc);
}

/* ---- deep nesting ---- */

static void test_deep_nesting(void **state) {
  (void)state;
  size_t n = 10000;
  char *doc = xmalloc(n * 2 + 64);
  memset(doc, '[', n);
  must_fail(doc, n, "config.json");
  /* Deep but balanced, under a key the parser ignores. */
  int off = sprintf(doc, "{\"ociVersion\":\"1.2.0\",\"x\":");
  memset(doc + off, '[', n);
  memset(doc + off + n, ']', n);
  strcpy(doc + off + 2 * n, "}");
  must_fail(doc, strlen(doc), "nesting");
  /* Objects too. */
  char *p = doc;
  for (size_t i = 0; i < n / 8; i++)
    p += sprintf(p, "{\"a\":");
  must_fail(doc, strlen(doc), "config.json");
  free(doc);
}

/* ---- huge arrays ---- */

/* yajl grows arrays one realloc per element; under ASan every realloc
 * copies, which makes 100k elements take minutes, so use fewer there. */
#ifdef __SANITIZE_ADDRESS__
#define HUGE_N 20000
#else
#define HUGE_N 100000
#endif

static void test_huge_arrays(void **state) {
  (void)state;
  size_t n = HUGE_N;
  size_t cap = n * 32 + 256;
  char *doc = xmalloc(cap);
  char *p = doc + sprintf(doc, "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":"
                               "\"r\"},\"process\":{\"cwd\":\"/\",\"args\":"
                               "[\"sh\"],\"env\":[");
  for (size_t i = 0; i < n; i++)
    p += sprintf(p, "%s\"VAR%zu=%zu\"", i ? "," : "", i, i);
  p += sprintf(p, "]},\"annotations\":{");
  /* Every key twice: the later value must win. */
  for (size_t i = 0; i < n; i++)
    p += sprintf(p, "%s\"k%zu\":\"%s\"", i ? "," : "", i % (n / 2),
                 i < n / 2 ? "old" : "new");
  sprintf(p, "}}");
  assert_true(strlen(doc) < cap);
  husk_spec_t *spec = must_parse(doc);
  assert_int_equal(spec->process.env.len, n);
  char last[64];
  snprintf(last, sizeof last, "VAR%zu=%zu", n - 1, n - 1);
  assert_string_equal(spec->process.env.items[n - 1], last);
  assert_null(spec->process.env.items[n]);
  assert_int_equal(spec->annotations.len, n / 2);
  for (size_t i = 0; i < spec->annotations.len; i++)
    assert_string_equal(spec->annotations.items[i].value, "new");
  husk_spec_free(spec);

  /* A bad element deep in a huge array is still reported by index. */
  p = doc + sprintf(doc, "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},"
                         "\"linux\":{\"maskedPaths\":[");
  for (size_t i = 0; i < n; i++)
    p += sprintf(p, "%s\"/p%zu\"", i ? "," : "", i);
  sprintf(p, ",7]}}");
  char want[64];
  snprintf(want, sizeof want, "linux.maskedPaths[%zu]: expected a string", n);
  must_fail(doc, strlen(doc), want);
  free(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table),
      cmocka_unit_test(test_raw_bytes),
      cmocka_unit_test(test_deep_nesting),
      cmocka_unit_test(test_huge_arrays),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
