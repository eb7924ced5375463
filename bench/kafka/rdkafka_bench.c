/*
 * Raw librdkafka baseline for scripts/bench-kafka: the same work the Swift wrapper's benchmark
 * (Sources/KafkaBench) does, with the same properties, against the same broker.
 *
 *   rdkafka_bench create  BROKERS TOPIC PARTITIONS
 *   rdkafka_bench produce BROKERS TOPIC COUNT SIZE
 *   rdkafka_bench consume BROKERS TOPIC COUNT GROUP
 *
 * produce: idempotent, acks=all, linger.ms=5 (the wrapper's defaults); timed from the first produce
 *          call to the last delivery report.
 * consume: timed from the first record to the COUNT-th (the group join is not measured).
 * Prints one line: "<mode> messages=N seconds=S messages_per_second=R megabytes_per_second=M".
 */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *detail) {
    fprintf(stderr, "rdkafka_bench: %s: %s\n", what, detail);
    exit(1);
}

static rd_kafka_t *client(rd_kafka_type_t type, const char *const *properties) {
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    for (int i = 0; properties[i]; i += 2) {
        if (rd_kafka_conf_set(conf, properties[i], properties[i + 1], errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK)
            die(properties[i], errstr);
    }
    rd_kafka_t *rk = rd_kafka_new(type, conf, errstr, sizeof(errstr));
    if (!rk) die("rd_kafka_new", errstr);
    return rk;
}

static void create_topic(const char *brokers, const char *topic, int partitions) {
    const char *properties[] = {"bootstrap.servers", brokers, NULL};
    rd_kafka_t *rk = client(RD_KAFKA_PRODUCER, properties);
    char errstr[512];
    rd_kafka_NewTopic_t *new_topic = rd_kafka_NewTopic_new(topic, partitions, 1, errstr, sizeof(errstr));
    if (!new_topic) die("NewTopic", errstr);
    rd_kafka_queue_t *queue = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, &new_topic, 1, NULL, queue);
    rd_kafka_event_t *event = rd_kafka_queue_poll(queue, 30000);
    if (!event) die("CreateTopics", "timed out");
    if (rd_kafka_event_error(event)) die("CreateTopics", rd_kafka_event_error_string(event));
    size_t count = 0;
    const rd_kafka_topic_result_t **results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count);
    if (count != 1 || rd_kafka_topic_result_error(results[0])) die("CreateTopics", "topic not created");
    rd_kafka_event_destroy(event);
    rd_kafka_queue_destroy(queue);
    rd_kafka_NewTopic_destroy(new_topic);
    rd_kafka_destroy(rk);
}

static long delivered = 0;
static long failed = 0;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *message, void *opaque) {
    (void)rk;
    (void)opaque;
    if (message->err) failed++;
    else delivered++;
}

static void produce(const char *brokers, const char *topic, long count, size_t size) {
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    const char *properties[] = {"bootstrap.servers", brokers, "enable.idempotence", "true", "acks", "all",
                                "linger.ms", "5", "client.id", "rdkafka-bench", NULL};
    for (int i = 0; properties[i]; i += 2) {
        if (rd_kafka_conf_set(conf, properties[i], properties[i + 1], errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK)
            die(properties[i], errstr);
    }
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (!rk) die("rd_kafka_new", errstr);

    char *payload = malloc(size);
    for (size_t i = 0; i < size; i++) payload[i] = (char)('a' + i % 26);
    char key[32];
    double start = now_seconds();
    for (long i = 0; i < count; i++) {
        int key_len = snprintf(key, sizeof(key), "key-%ld", i % 64);
        for (;;) {
            rd_kafka_resp_err_t err = rd_kafka_producev(
                rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_VALUE(payload, size), RD_KAFKA_V_KEY(key, (size_t)key_len), RD_KAFKA_V_END);
            if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
            if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) die("produce", rd_kafka_err2str(err));
            rd_kafka_poll(rk, 10);
        }
        rd_kafka_poll(rk, 0);
    }
    while (delivered + failed < count) rd_kafka_poll(rk, 50);
    double seconds = now_seconds() - start;
    if (failed) die("produce", "some messages failed");
    printf("produce messages=%ld seconds=%.3f messages_per_second=%.0f megabytes_per_second=%.1f\n", count, seconds,
           count / seconds, count * (double)size / seconds / 1e6);
    free(payload);
    rd_kafka_destroy(rk);
}

static void consume(const char *brokers, const char *topic, long count, const char *group) {
    const char *properties[] = {"bootstrap.servers", brokers, "group.id", group, "auto.offset.reset", "earliest",
                                "enable.auto.commit", "false", "enable.auto.offset.store", "false",
                                "session.timeout.ms", "6000", "heartbeat.interval.ms", "1000",
                                "partition.assignment.strategy", "cooperative-sticky", "client.id", "rdkafka-bench", NULL};
    rd_kafka_t *rk = client(RD_KAFKA_CONSUMER, properties);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *subscription = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(subscription, topic, RD_KAFKA_PARTITION_UA);
    if (rd_kafka_subscribe(rk, subscription)) die("subscribe", topic);
    rd_kafka_topic_partition_list_destroy(subscription);

    long received = 0;
    size_t bytes = 0;
    double start = 0;
    while (received < count) {
        rd_kafka_message_t *message = rd_kafka_consumer_poll(rk, 100);
        if (!message) continue;
        if (!message->err) {
            if (received == 0) start = now_seconds();
            received++;
            bytes += message->len;
        }
        rd_kafka_message_destroy(message);
    }
    double seconds = now_seconds() - start;
    printf("consume messages=%ld seconds=%.3f messages_per_second=%.0f megabytes_per_second=%.1f\n", count, seconds,
           count / seconds, bytes / seconds / 1e6);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
}

int main(int argc, char **argv) {
    if (argc == 5 && !strcmp(argv[1], "create")) create_topic(argv[2], argv[3], atoi(argv[4]));
    else if (argc == 6 && !strcmp(argv[1], "produce")) produce(argv[2], argv[3], atol(argv[4]), (size_t)atol(argv[5]));
    else if (argc == 6 && !strcmp(argv[1], "consume")) consume(argv[2], argv[3], atol(argv[4]), argv[5]);
    else {
        fprintf(stderr, "usage: rdkafka_bench create BROKERS TOPIC PARTITIONS | produce BROKERS TOPIC COUNT SIZE | "
                        "consume BROKERS TOPIC COUNT GROUP\n");
        return 2;
    }
    return 0;
}
