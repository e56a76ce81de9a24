/* Requests outside any call that the session layer leaves to us. */
#ifndef SIPFLOW_UA_REQUESTS_H
#define SIPFLOW_UA_REQUESTS_H

struct sip_lsnr;
struct instance;

/* Listen after sipsess_listen(): OPTIONS, and refusals with a reason. */
int ua_requests_listen(struct sip_lsnr **lsnrp, struct instance *inst);

#endif
