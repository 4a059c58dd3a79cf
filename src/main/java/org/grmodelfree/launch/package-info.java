/**
 * Starting block processes from this JVM ({@code modelfree block NAME} in JVMs of their own) and
 * the link trained over them on loopback ({@code train --transport zmq}).
 */
package org.grmodelfree.launch;
