/*
 * The read deadline and the reserve for progressing requests
 * (host/server/read_deadline.c), on a clock the test hands in, with
 * socket pairs standing in for connections: a cut connection's peer reads
 * the end of the stream.
 */
#include "support.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/read_deadline.h"

typedef struct pair {
    int server, client;
} pair;

static pair open_pair(void)
{
    int fd[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fd), 0);
    fcntl(fd[1], F_SETFL, O_NONBLOCK);
    return (pair){fd[0], fd[1]};
}

/* The client sees the end of the stream: the server side was shut down. */
static int was_cut(pair p)
{
    char b;
    ssize_t n = recv(p.client, &b, 1, 0);
    return n == 0;
}

static void close_pair(pair p)
{
    close(p.server);
    close(p.client);
}

static void a_request_not_whole_in_time_is_cut(void **state)
{
    (void)state;
    read_deadline rd;
    read_deadline_init(&rd, 3000, 2000, 0);
    pair slow = open_pair(), quick = open_pair();
    read_watch *ws = read_deadline_opened(&rd, slow.server, 1000);
    read_watch *wq = read_deadline_opened(&rd, quick.server, 1000);
    read_deadline_request_read(&rd, wq);                 /* arrived whole at once */
    assert_int_equal(read_deadline_sweep(&rd, 4000), 0); /* exactly at the deadline: kept */
    assert_false(was_cut(slow));
    assert_int_equal(read_deadline_sweep(&rd, 4001), 1);
    assert_true(was_cut(slow));
    assert_false(was_cut(quick));                        /* being answered: not subject */
    assert_int_equal(read_deadline_sweep(&rd, 9000), 0); /* never cut twice */
    assert_int_equal(rd.cut_total, 1);
    read_deadline_closed(&rd, ws);
    read_deadline_closed(&rd, wq);
    assert_int_equal(rd.open, 0);
    read_deadline_free(&rd);
    close_pair(slow);
    close_pair(quick);
}

static void a_kept_alive_connection_gets_a_new_deadline_per_request(void **state)
{
    (void)state;
    read_deadline rd;
    read_deadline_init(&rd, 3000, 2000, 0);
    pair p = open_pair();
    read_watch *w = read_deadline_opened(&rd, p.server, 0);
    read_deadline_request_read(&rd, w);
    assert_int_equal(read_deadline_sweep(&rd, 60000), 0); /* answered slowly (a commit) */
    read_deadline_answered(&rd, w, 60000);
    assert_int_equal(read_deadline_sweep(&rd, 63000), 0);
    assert_false(was_cut(p));
    assert_int_equal(read_deadline_sweep(&rd, 63001), 1); /* the next request dribbles */
    assert_true(was_cut(p));
    read_deadline_closed(&rd, w);
    read_deadline_free(&rd);
    close_pair(p);
}

static void under_pressure_the_slowest_readers_go_first(void **state)
{
    (void)state;
    read_deadline rd;
    read_deadline_init(&rd, 30000, 2000, 3); /* mark: 3 connections in use */
    pair p[6];
    read_watch *w[6];
    /* opened at 0, 100, ..., 500 ms; #5 is a fresh one still within grace */
    for (int i = 0; i < 6; i++) {
        p[i] = open_pair();
        w[i] = read_deadline_opened(&rd, p[i].server, i < 5 ? i * 100 : 2900);
    }
    read_deadline_request_read(&rd, w[0]); /* the oldest is being answered */
    /* at 3000 ms: 6 in use, 3 over the mark; readers past the grace are
       #1..#4 (opened 100..400); the oldest three of them go */
    assert_int_equal(read_deadline_sweep(&rd, 3000), 3);
    assert_false(was_cut(p[0]));
    assert_true(was_cut(p[1]));
    assert_true(was_cut(p[2]));
    assert_true(was_cut(p[3]));
    assert_false(was_cut(p[4]));
    assert_false(was_cut(p[5]));
    /* back at the mark (cut ones no longer count): nothing more */
    assert_int_equal(read_deadline_sweep(&rd, 3500), 0);
    for (int i = 0; i < 6; i++) {
        read_deadline_closed(&rd, w[i]);
        close_pair(p[i]);
    }
    read_deadline_free(&rd);
}

static void pressure_never_cuts_within_the_grace(void **state)
{
    (void)state;
    read_deadline rd;
    read_deadline_init(&rd, 30000, 2000, 1);
    pair a = open_pair(), b = open_pair();
    read_watch *wa = read_deadline_opened(&rd, a.server, 1000);
    read_watch *wb = read_deadline_opened(&rd, b.server, 1500);
    assert_int_equal(read_deadline_sweep(&rd, 3000), 0); /* both within 2 s */
    assert_int_equal(read_deadline_sweep(&rd, 3001), 1); /* a passes it first */
    assert_true(was_cut(a));
    assert_false(was_cut(b));
    read_deadline_closed(&rd, wa);
    read_deadline_closed(&rd, wb);
    read_deadline_free(&rd);
    close_pair(a);
    close_pair(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_request_not_whole_in_time_is_cut),
        cmocka_unit_test(a_kept_alive_connection_gets_a_new_deadline_per_request),
        cmocka_unit_test(under_pressure_the_slowest_readers_go_first),
        cmocka_unit_test(pressure_never_cuts_within_the_grace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
