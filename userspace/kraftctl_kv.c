// SPDX-License-Identifier: GPL-2.0
/*
 * kraftctl_kv.c - kraftctl's data commands: ioctls on /dev/NODE (put,
 * get, del, cas, list) and watch fds (watch). The request timeout is the
 * kernel's default unless KRAFTCTL_TIMEOUT_MS says otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kraft.h>

#include "kraftctl.h"

int kc_open_node(const char *what)
{
	char name[KRAFT_NODE_NAME_MAX + 16], path[64];
	int ret, fd;

	ret = kc_resolve_node(name, sizeof(name));
	if (ret)
		return -ret;
	snprintf(path, sizeof(path), "/dev/%s", name);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "kraftctl: %s: cannot open %s: %s\n", what, path,
			strerror(errno));
		return -EX_ERR;
	}
	return fd;
}

uint32_t kc_timeout_ms(void)
{
	const char *s = getenv("KRAFTCTL_TIMEOUT_MS");
	uint64_t v;

	if (s && !kc_parse_u64(s, &v) && v && v <= 3600000)
		return (uint32_t)v;
	return 0;
}

static int check_key(const struct kc_cmd *cmd, const char *key)
{
	size_t n = strlen(key);

	if (!n)
		return kc_usage_error(cmd, "KEY must not be empty");
	if (n > KRAFT_KEY_MAX)
		return kc_usage_error(cmd, "KEY is longer than %d bytes", KRAFT_KEY_MAX);
	return 0;
}

static void print_rev(uint64_t rev)
{
	if (kc.json)
		printf("{\"rev\":%" PRIu64 "}\n", rev);
	else
		printf("%" PRIu64 "\n", rev);
}

/* One put/del/cas through @ioc. */
static int kv_write(const struct kc_cmd *cmd, unsigned long ioc,
		    const char *key, const char *value, uint64_t expect)
{
	struct kraft_kv_args a;
	int fd, ret;

	memset(&a, 0, sizeof(a));
	a.key_ptr = (uintptr_t)key;
	a.key_len = strlen(key);
	if (value) {
		a.value_ptr = (uintptr_t)value;
		a.value_len = strlen(value);
	}
	a.expect_rev = expect;
	a.timeout_ms = kc_timeout_ms();
	fd = kc_open_node(cmd->name);
	if (fd < 0)
		return -fd;
	ret = ioctl(fd, ioc, &a);
	if (ret < 0)
		ret = kc_errno_exit(cmd->name, errno);
	else if (a.result == KRAFT_KV_NOT_FOUND)
		ret = kc_errno_exit(cmd->name, ENOENT);
	else if (a.result == KRAFT_KV_COMPARE_FAILED) {
		fprintf(stderr, "kraftctl: cas: compare failed: the key's mod revision is not %" PRIu64 "\n",
			expect);
		ret = EX_CMPFAIL;
	} else {
		print_rev(a.rev);
		ret = EX_OK;
	}
	close(fd);
	return ret;
}

int cmd_put(int argc, char **argv)
{
	const struct kc_cmd *cmd = kc_find_cmd("put");
	int ret;

	if (kc_wants_help(cmd, argc, argv))
		return EX_OK;
	if (argc != 3)
		return kc_usage_error(cmd, "needs KEY and VALUE");
	if ((ret = check_key(cmd, argv[1])))
		return ret;
	if (strlen(argv[2]) > KRAFT_VALUE_MAX)
		return kc_usage_error(cmd, "VALUE is longer than %d bytes", KRAFT_VALUE_MAX);
	return kv_write(cmd, KRAFT_IOC_PUT, argv[1], argv[2], 0);
}

int cmd_del(int argc, char **argv)
{
	const struct kc_cmd *cmd = kc_find_cmd("del");
	int ret;

	if (kc_wants_help(cmd, argc, argv))
		return EX_OK;
	if (argc != 2)
		return kc_usage_error(cmd, "needs a KEY");
	if ((ret = check_key(cmd, argv[1])))
		return ret;
	return kv_write(cmd, KRAFT_IOC_DEL, argv[1], NULL, 0);
}

int cmd_cas(int argc, char **argv)
{
	const struct kc_cmd *cmd = kc_find_cmd("cas");
	const char *key = NULL, *value = NULL;
	bool have_rev = false;
	uint64_t rev = 0;
	int i, ret;

	if (kc_wants_help(cmd, argc, argv))
		return EX_OK;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rev")) {
			if (i + 1 >= argc || kc_parse_u64(argv[i + 1], &rev))
				return kc_usage_error(cmd, "--rev takes a revision (0: create only)");
			have_rev = true;
			i++;
		} else if (!key) {
			key = argv[i];
		} else if (!value) {
			value = argv[i];
		} else {
			return kc_usage_error(cmd, "unexpected '%s'", argv[i]);
		}
	}
	if (!key || !value || !have_rev)
		return kc_usage_error(cmd, "needs KEY, --rev N and VALUE");
	if ((ret = check_key(cmd, key)))
		return ret;
	if (strlen(value) > KRAFT_VALUE_MAX)
		return kc_usage_error(cmd, "VALUE is longer than %d bytes", KRAFT_VALUE_MAX);
	return kv_write(cmd, KRAFT_IOC_CAS, key, value, rev);
}

int cmd_get(int argc, char **argv)
{
	const struct kc_cmd *cmd = kc_find_cmd("get");
	struct kraft_kv_args a;
	const char *key = NULL;
	uint32_t flags = 0, cap = 4096;
	char *buf = NULL;
	int i, fd, ret;

	if (kc_wants_help(cmd, argc, argv))
		return EX_OK;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--serializable"))
			flags |= KRAFT_KV_SERIALIZABLE;
		else if (!key)
			key = argv[i];
		else
			return kc_usage_error(cmd, "unexpected '%s'", argv[i]);
	}
	if (!key)
		return kc_usage_error(cmd, "needs a KEY");
	if ((ret = check_key(cmd, key)))
		return ret;
	fd = kc_open_node("get");
	if (fd < 0)
		return -fd;
	for (;;) {
		free(buf);
		buf = malloc(cap);
		if (!buf) {
			ret = kc_errno_exit("get", ENOMEM);
			break;
		}
		memset(&a, 0, sizeof(a));
		a.key_ptr = (uintptr_t)key;
		a.key_len = strlen(key);
		a.value_ptr = (uintptr_t)buf;
		a.value_len = cap;
		a.flags = flags;
		a.timeout_ms = kc_timeout_ms();
		if (ioctl(fd, KRAFT_IOC_GET, &a) < 0) {
			ret = kc_errno_exit("get", errno);
			break;
		}
		if (a.result == KRAFT_KV_NOT_FOUND) {
			ret = EX_NOTFOUND;
			break;
		}
		if (a.value_len > cap) {	/* grew meanwhile: read again */
			cap = a.value_len;
			continue;
		}
		if (kc.json) {
			printf("{\"key\":");
			kc_json_str(stdout, key, strlen(key));
			printf(",\"value\":");
			kc_json_str(stdout, buf, a.value_len);
			printf(",\"create_rev\":%" PRIu64 ",\"mod_rev\":%" PRIu64
			       ",\"version\":%" PRIu64 ",\"rev\":%" PRIu64 "}\n",
			       (uint64_t)a.create_rev, (uint64_t)a.mod_rev,
			       (uint64_t)a.version, (uint64_t)a.rev);
		} else {
			fwrite(buf, 1, a.value_len, stdout);
			putchar('\n');
		}
		ret = EX_OK;
		break;
	}
	free(buf);
	close(fd);
	return ret;
}

static void print_record(const struct kraft_kv_record *r)
{
	const char *k = (const char *)(r + 1), *v = k + r->key_len;

	if (kc.json) {
		printf("{\"key\":");
		kc_json_str(stdout, k, r->key_len);
		printf(",\"value\":");
		kc_json_str(stdout, v, r->value_len);
		printf(",\"create_rev\":%" PRIu64 ",\"mod_rev\":%" PRIu64
		       ",\"version\":%" PRIu64 "}\n", (uint64_t)r->create_rev,
		       (uint64_t)r->mod_rev, (uint64_t)r->version);
	} else {
		fwrite(k, 1, r->key_len, stdout);
		putchar('\t');
		fwrite(v, 1, r->value_len, stdout);
		putchar('\n');
	}
}

#define KC_REC_SIZE(r) \
	((sizeof(*(r)) + (r)->key_len + (r)->value_len + 7) & ~(size_t)7)

int cmd_list(int argc, char **argv)
{
	const struct kc_cmd *cmd = kc_find_cmd("list");
	const char *prefix = "";
	struct kraft_range_args a;
	uint64_t limit = 0;
	size_t cap = 1 << 20, off;
	char *buf = NULL;
	int i, fd, ret;
	uint32_t n;

	if (kc_wants_help(cmd, argc, argv))
		return EX_OK;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--limit")) {
			if (i + 1 >= argc || kc_parse_u64(argv[i + 1], &limit) ||
			    limit > UINT32_MAX)
				return kc_usage_error(cmd, "--limit takes a count");
			i++;
		} else if (!prefix[0] && argv[i][0] != '-') {
			prefix = argv[i];
		} else {
			return kc_usage_error(cmd, "unexpected '%s'", argv[i]);
		}
	}
	if (strlen(prefix) > KRAFT_KEY_MAX)
		return kc_usage_error(cmd, "PREFIX is longer than %d bytes", KRAFT_KEY_MAX);
	fd = kc_open_node("list");
	if (fd < 0)
		return -fd;
	for (;;) {
		free(buf);
		buf = malloc(cap);
		if (!buf) {
			ret = kc_errno_exit("list", ENOMEM);
			break;
		}
		memset(&a, 0, sizeof(a));
		a.prefix_ptr = (uintptr_t)prefix;
		a.prefix_len = strlen(prefix);
		a.buf_ptr = (uintptr_t)buf;
		a.buf_len = cap;
		a.limit = limit;
		a.timeout_ms = kc_timeout_ms();
		if (ioctl(fd, KRAFT_IOC_RANGE, &a) < 0) {
			ret = kc_errno_exit("list", errno);
			break;
		}
		/* Buffer too small for what was asked: grow and ask again. */
		if (a.more && (!limit || a.count < limit) && cap < (1u << 30)) {
			cap *= 4;
			continue;
		}
		for (n = 0, off = 0; n < a.count && off < a.buf_len; n++) {
			const struct kraft_kv_record *r = (void *)(buf + off);

			print_record(r);
			off += KC_REC_SIZE(r);
		}
		ret = EX_OK;
		break;
	}
	free(buf);
	close(fd);
	return ret;
}

static volatile sig_atomic_t kc_stop;

static void on_signal(int sig)
{
	(void)sig;
	kc_stop = 1;
}

int cmd_watch(int argc, char **argv)
{
	const struct kc_cmd *cmd = kc_find_cmd("watch");
	const size_t cap = sizeof(struct kraft_watch_event) + KRAFT_KEY_MAX +
			   KRAFT_VALUE_MAX + 8;
	struct kraft_watch_args a;
	struct sigaction sa;
	const char *prefix = "";
	uint64_t from = 0;
	int i, fd, wfd, ret = EX_OK;
	char *buf;

	if (kc_wants_help(cmd, argc, argv))
		return EX_OK;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--from-rev")) {
			if (i + 1 >= argc || kc_parse_u64(argv[i + 1], &from))
				return kc_usage_error(cmd, "--from-rev takes a revision");
			i++;
		} else if (!prefix[0] && argv[i][0] != '-') {
			prefix = argv[i];
		} else {
			return kc_usage_error(cmd, "unexpected '%s'", argv[i]);
		}
	}
	buf = malloc(cap);
	if (!buf)
		return kc_errno_exit("watch", ENOMEM);
	fd = kc_open_node("watch");
	if (fd < 0) {
		free(buf);
		return -fd;
	}
	memset(&a, 0, sizeof(a));
	a.prefix_ptr = (uintptr_t)prefix;
	a.prefix_len = strlen(prefix);
	a.from_rev = from;
	wfd = ioctl(fd, KRAFT_IOC_WATCH, &a);
	close(fd);
	if (wfd < 0) {
		ret = errno == ENOENT ?
			(fprintf(stderr, "kraftctl: watch: revision %" PRIu64 " is compacted\n", from), EX_NOTFOUND) :
			kc_errno_exit("watch", errno);
		free(buf);
		return ret;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!kc_stop) {
		ssize_t n = read(wfd, buf, cap), off = 0;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = kc_errno_exit("watch", errno);
			break;
		}
		if (n == 0)
			break;		/* the node went down */
		while (off + (ssize_t)sizeof(struct kraft_watch_event) <= n) {
			const struct kraft_watch_event *e = (void *)(buf + off);
			const char *k = (const char *)(e + 1);
			const char *type = e->type == KRAFT_EVENT_PUT ? "put" : "del";

			if (kc.json) {
				printf("{\"rev\":%" PRIu64 ",\"type\":\"%s\",\"key\":",
				       (uint64_t)e->rev, type);
				kc_json_str(stdout, k, e->key_len);
				printf(",\"value\":");
				if (e->type == KRAFT_EVENT_PUT)
					kc_json_str(stdout, k + e->key_len, e->value_len);
				else
					printf("null");
				printf(",\"create_rev\":%" PRIu64 ",\"version\":%" PRIu64 "}\n",
				       (uint64_t)e->create_rev, (uint64_t)e->version);
			} else {
				printf("%" PRIu64 "\t%s\t", (uint64_t)e->rev, type);
				fwrite(k, 1, e->key_len, stdout);
				if (e->type == KRAFT_EVENT_PUT) {
					putchar('\t');
					fwrite(k + e->key_len, 1, e->value_len, stdout);
				}
				putchar('\n');
			}
			fflush(stdout);
			off += (sizeof(*e) + e->key_len + e->value_len + 7) & ~(size_t)7;
		}
	}
	close(wfd);
	free(buf);
	return ret;
}
