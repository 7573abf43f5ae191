/*
 * raw_receiver: the reference receiver of raw_http.c as a program of its
 * own, for load tools other than bench_webhook (bench/wrk_webhook.sh):
 * serves until SIGTERM or SIGINT, then prints how many bodies it stored.
 *   raw_receiver DB_PATH PORT_FILE
 */
#include <signal.h>
#include <stdio.h>

#include "raw_http.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: raw_receiver DB_PATH PORT_FILE\n");
        return 2;
    }
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL); /* the receiver's threads inherit it */
    int port = 0;
    if (raw_http_start(argv[1], &port) != 0) {
        fprintf(stderr, "raw_receiver: cannot start\n");
        return 1;
    }
    FILE *f = fopen(argv[2], "w");
    if (f == NULL || fprintf(f, "%d\n", port) < 0 || fclose(f) != 0) {
        perror(argv[2]);
        raw_http_stop();
        return 1;
    }
    int sig = 0;
    sigwait(&stop, &sig);
    printf("raw_receiver: %ld bodies stored\n", raw_http_stop());
    return 0;
}
