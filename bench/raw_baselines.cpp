#include "raw_baselines.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/statement.h>
#include <mqtt/async_client.h>
#include <mysql_driver.h>

#include <chrono>
#include <deque>
#include <memory>

namespace omnigate::bench {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

RawBaselines::RawBaselines(const BenchOptions& options, std::string runId)
    : options_(options), runId_(std::move(runId)) {}

BaselineResult RawBaselines::mqttQos1(std::size_t payloadBytes, std::size_t window) {
    const std::string uri = "tcp://127.0.0.1:" + std::to_string(options_.mqttPort);
    // The same client set-up as the daemon's bus: MQTT 5, no persistence, a buffer far above the window.
    mqtt::async_client client(uri, "omnigate-bench-raw-" + runId_, mqtt::create_options(MQTTVERSION_5, 100000));
    mqtt::connect_options connect;  // set in place: Paho C++ 1.2 must not assign connect_options (see mqtt_bus.cpp)
    connect.set_mqtt_version(MQTTVERSION_5);
    connect.set_clean_start(true);
    connect.set_connect_timeout(std::chrono::seconds(5));
    connect.set_user_name(options_.mqttUser);
    connect.set_password(options_.mqttPassword);
    client.connect(connect)->wait();

    // Nobody subscribes to this topic: the baseline is the producer's limit, not a delivery test. Under omnigate/v1/
    // because only the daemon's account may publish, and only there.
    const std::string topic = "omnigate/v1/bench/" + runId_ + "/raw";
    const std::string payload(payloadBytes, 'x');
    std::deque<mqtt::delivery_token_ptr> inFlight;
    BaselineResult result;
    const auto start = Clock::now();
    const auto end = start + std::chrono::duration<double>(options_.baselineSeconds);
    while (Clock::now() < end) {
        inFlight.push_back(client.publish(topic, payload.data(), payload.size(), 1, false));
        // PUBACKs come in order, so waiting for the oldest keeps the window without a callback.
        while (inFlight.size() >= window) {
            inFlight.front()->wait();
            inFlight.pop_front();
            ++result.count;
        }
    }
    while (!inFlight.empty()) {
        inFlight.front()->wait();
        inFlight.pop_front();
        ++result.count;
    }
    result.seconds = secondsSince(start);
    client.disconnect()->wait_for(std::chrono::seconds(5));
    return result;
}

BaselineResult RawBaselines::dbMultiRowInsert(int rowsPerStatement) {
    sql::mysql::MySQL_Driver* driver = sql::mysql::get_mysql_driver_instance();
    std::unique_ptr<sql::Connection> connection(driver->connect(
        "tcp://127.0.0.1:" + std::to_string(options_.dbPort), options_.dbUser, options_.dbPassword));
    connection->setSchema(options_.dbName);
    std::unique_ptr<sql::Statement> statement(connection->createStatement());
    const std::string table = "bench_raw_" + runId_;
    // Shaped like `messages` (a secondary index, a text body, a DATETIME(3)), so a row costs about the same.
    statement->execute("DROP TABLE IF EXISTS " + table);
    statement->execute("CREATE TABLE " + table +
                       " (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, interaction_id BIGINT NOT NULL,"
                       " channel VARCHAR(32) NOT NULL, direction ENUM('in', 'out') NOT NULL, body MEDIUMTEXT NOT NULL,"
                       " created_at DATETIME(3) NOT NULL, KEY ix_interaction (interaction_id, id))"
                       " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    BaselineResult result;
    try {
        std::string sql = "INSERT INTO " + table + " (interaction_id, channel, direction, body, created_at) VALUES ";
        for (int row = 0; row < rowsPerStatement; ++row) sql += row == 0 ? "(?, ?, 'in', ?, NOW(3))" : ", (?, ?, 'in', ?, NOW(3))";
        std::unique_ptr<sql::PreparedStatement> insert(connection->prepareStatement(sql));
        const auto start = Clock::now();
        const auto end = start + std::chrono::duration<double>(options_.baselineSeconds);
        std::int64_t n = 0;
        while (Clock::now() < end) {
            for (int row = 0; row < rowsPerStatement; ++row, ++n) {
                insert->setInt64(row * 3 + 1, n % 200);
                insert->setString(row * 3 + 2, "webchat");
                insert->setString(row * 3 + 3, "bench raw " + runId_ + " " + std::to_string(n) + " 1700000000000000");
            }
            insert->executeUpdate();
            result.count += rowsPerStatement;
        }
        result.seconds = secondsSince(start);
    } catch (...) {
        statement->execute("DROP TABLE IF EXISTS " + table);
        throw;
    }
    statement->execute("DROP TABLE IF EXISTS " + table);
    return result;
}

}  // namespace omnigate::bench
