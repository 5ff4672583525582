package io.wanapis.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** An error answer in one provider's envelope: its HTTP status and its JSON body. */
interface WireError {

  int status();

  ObjectNode toJson();
}
