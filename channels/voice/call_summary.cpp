#include "call_summary.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Timestamp.h>

#include <cmath>
#include <sstream>

namespace omnigate::voice {

namespace {

bool isZero(std::chrono::system_clock::time_point at) { return at.time_since_epoch().count() == 0; }

long long secondsBetween(std::chrono::system_clock::time_point from, std::chrono::system_clock::time_point to) {
    if (isZero(from) || isZero(to) || to < from) return 0;
    return std::chrono::duration_cast<std::chrono::seconds>(to - from).count();
}

Poco::Dynamic::Var timeOrNull(std::chrono::system_clock::time_point at) {
    return isZero(at) ? Poco::Dynamic::Var() : Poco::Dynamic::Var(isoTime(at));
}

}  // namespace

long long CallSummary::waitedSeconds() const { return secondsBetween(arrivedAt, connected() ? connectedAt : endedAt); }

long long CallSummary::talkedSeconds() const { return connected() ? secondsBetween(connectedAt, endedAt) : 0; }

std::string isoTime(std::chrono::system_clock::time_point at) {
    if (isZero(at)) return {};
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
    const Poco::Timestamp stamp(static_cast<Poco::Timestamp::TimeVal>(micros / 1000 * 1000));
    return Poco::DateTimeFormatter::format(stamp, "%Y-%m-%dT%H:%M:%S.%iZ");
}

std::string summaryText(const CallSummary& s, bool recorded) {
    std::ostringstream text;
    if (s.outbound) {
        text << "Call to " << s.caller << " placed for " << s.operatorId << ": ";
        if (s.connected()) {
            text << "talked " << s.talkedSeconds() << " s";
        } else {
            text << "not connected";
        }
    } else {
        text << "Call from " << (s.caller.empty() ? "an unknown number" : s.caller) << " to " << s.dialled << ": ";
        if (s.connected()) {
            text << "waited " << s.waitedSeconds() << " s, talked " << s.talkedSeconds() << " s with " << s.operatorId;
        } else {
            text << "not connected to an operator, waited " << s.waitedSeconds() << " s";
        }
    }
    text << "; hung up by the " << s.hangupSide << " (" << s.hangupCause << ").";
    for (const std::string& note : s.notes) text << " " << note << ".";
    text << " Arrived " << isoTime(s.arrivedAt);
    if (s.answered()) text << ", answered " << isoTime(s.answeredAt);
    if (s.connected()) text << ", connected " << isoTime(s.connectedAt);
    text << ", ended " << isoTime(s.endedAt) << "; SIP Call-ID " << s.sipCallId << ".";
    if (recorded) text << " The recording is attached.";
    return text.str();
}

std::string summaryJson(const CallSummary& s, const Attachment* recording, double recordingSeconds) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("interaction_id", s.interactionId);
    o->set("account", s.account);
    o->set("direction", s.outbound ? "outbound" : "inbound");
    o->set("sip_call_id", s.sipCallId);
    o->set("caller", s.caller);
    o->set("dialled", s.dialled);
    o->set("operator", s.operatorId.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(s.operatorId));
    o->set("arrived_at", timeOrNull(s.arrivedAt));
    o->set("answered_at", timeOrNull(s.answeredAt));
    o->set("connected_at", timeOrNull(s.connectedAt));
    o->set("ended_at", timeOrNull(s.endedAt));
    o->set("waited_seconds", s.waitedSeconds());
    o->set("talked_seconds", s.talkedSeconds());
    o->set("hangup_side", s.hangupSide);
    o->set("hangup_cause", s.hangupCause);
    Poco::JSON::Array::Ptr notes = new Poco::JSON::Array;
    for (const std::string& note : s.notes) notes->add(note);
    o->set("notes", notes);
    if (recording != nullptr) {
        Poco::JSON::Object::Ptr r = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        r->set("file_id", recording->fileId);
        r->set("name", recording->name);
        r->set("size", recording->size);
        r->set("seconds", std::round(recordingSeconds * 10) / 10);
        o->set("recording", r);
    } else {
        o->set("recording", Poco::Dynamic::Var());
    }
    std::ostringstream out;
    o->stringify(out);
    return out.str();
}

}  // namespace omnigate::voice
