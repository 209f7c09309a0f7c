"""Built-in formats that are pure data: declarations in the schema of :mod:`.spec`.

Adding a format means adding a dict here (with samples; ``tests/unit/formats``
checks every sample of every format). The same dicts are what users write under
``[[formats]]`` in config.toml.
"""

from __future__ import annotations

from typing import Any

_LV = (
    r"(?P<level>TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|SEVERE|CRITICAL|CRIT|FATAL"
    r"|PANIC|FINE|FINER|FINEST|CONFIG)"
)
_ISO_SP = r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?"

STATUS_LEVELS = {"error": r"^5\d\d$", "warning": r"^4\d\d$", "info": r"^[123]\d\d$"}

DECLARED: list[dict[str, Any]] = [
    {
        "name": "hdfs",
        "description": "Hadoop 1 / HDFS ('081109 203615 148 INFO dfs.DataNode: msg')",
        "regex": [
            r"(?P<ts>\d{6} \d{6}) (?P<pid>\d+) " + _LV + r" (?P<component>[^ :]+): (?P<message>.*)"
        ],
        "timestamp": ["%y%m%d %H%M%S"],
        "samples": [
            {
                "line": "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 "
                "for block blk_38865049064139660 terminating",
                "ts": "2008-11-09T20:36:15",
                "level": "info",
                "message": "PacketResponder 1 for block blk_38865049064139660 terminating",
                "fields": {"component": "dfs.DataNode$PacketResponder", "pid": "148"},
            }
        ],
    },
    {
        "name": "log4j_short",
        "description": "Spark / Hadoop 2 log4j ('17/06/09 20:10:40 INFO executor.Executor: msg')",
        "regex": [
            r"(?P<ts>\d\d/\d\d/\d\d \d\d:\d\d:\d\d(?:[.,]\d{1,3})?) "
            + _LV
            + r" +(?P<logger>[^ :]+): (?P<message>.*)"
        ],
        "timestamp": ["%y/%m/%d %H:%M:%S", "%y/%m/%d %H:%M:%S.%f", "%y/%m/%d %H:%M:%S,%f"],
        "samples": [
            {
                "line": "17/06/09 20:10:40 INFO executor.Executor: Running task 0.0 in stage 0.0",
                "ts": "2017-06-09T20:10:40",
                "level": "info",
                "message": "Running task 0.0 in stage 0.0",
            },
            {
                "line": "17/06/09 20:11:11 ERROR executor.Executor: Exception in task 1.0",
                "level": "error",
            },
        ],
    },
    {
        "name": "glog",
        "description": "Google glog / klog ('E0517 15:04:22.619632 1952 file.cc:253] msg')",
        "regex": [
            r"(?P<level>[IWEF])(?P<ts>(?:\d{4})?\d{4} \d\d:\d\d:\d\d\.\d{6}) +(?P<tid>\d+) "
            r"(?P<file>[^ :\]]+:\d+)\] (?P<message>.*)"
        ],
        "timestamp": ["%m%d %H:%M:%S.%f", "%Y%m%d %H:%M:%S.%f"],
        "level-map": {"I": "info", "W": "warning", "E": "error", "F": "critical"},
        "samples": [
            {
                "line": "E0517 15:04:22.619632 1952452992 logging_unittest.cc:253] "
                "Log every 3, iteration 19",
                "level": "error",
                "message": "Log every 3, iteration 19",
                "fields": {"file": "logging_unittest.cc:253"},
            }
        ],
    },
    {
        "name": "logcat",
        "description": "Android logcat threadtime ('03-17 16:13:38.811  1702  2395 D Tag: msg')",
        "regex": [
            r"(?P<ts>\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) +(?P<pid>\d+) +(?P<tid>\d+) "
            r"(?P<level>[VDIWEFA]) (?P<tag>.*?) *: (?P<message>.*)"
        ],
        "timestamp": ["%m-%d %H:%M:%S.%f"],
        "level-map": {
            "V": "trace",
            "D": "debug",
            "I": "info",
            "W": "warning",
            "E": "error",
            "F": "critical",
            "A": "critical",
        },
        "samples": [
            {
                "line": "03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogs",
                "level": "debug",
                "message": "printFreezingDisplayLogs",
                "fields": {"tag": "WindowManager", "pid": "1702"},
            }
        ],
    },
    {
        "name": "log4j",
        "description": "log4j with dashes or brackets (Zookeeper '… - INFO  [thread] - msg', "
        "Kafka '[ts] INFO msg')",
        "regex": [
            r"(?P<ts>" + _ISO_SP + r") - " + _LV + r" +\[(?P<thread>.*?)\] - (?P<message>.*)",
            r"\[(?P<ts>" + _ISO_SP + r")\] " + _LV + r" (?P<message>.*)",
        ],
        "timestamp": ["iso"],
        "samples": [
            {
                "line": "2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181"
                ":FastLeaderElection@774] - Notification time out: 3200",
                "ts": "2015-07-29T17:41:44.747",
                "level": "info",
                "message": "Notification time out: 3200",
            },
            {
                "line": "[2025-04-24 19:51:57,226] INFO [KafkaServer id=1] started "
                "(kafka.server.KafkaServer)",
                "ts": "2025-04-24T19:51:57.226",
                "level": "info",
                "message": "[KafkaServer id=1] started (kafka.server.KafkaServer)",
            },
        ],
    },
    {
        "name": "openstack",
        "description": "OpenStack oslo.log ('2014-10-28 10:42:22.772 23623 INFO neutron.wsgi …')",
        "regex": [
            r"(?:(?P<file>[\w.-]+\.log[\w.:-]*) )?(?P<ts>"
            + _ISO_SP
            + r") (?P<pid>\d+) "
            + _LV
            + r" (?P<logger>[\w.]+) (?P<message>.*)"
        ],
        "samples": [
            {
                "line": "2014-10-28 10:42:22.772 23623 INFO neutron.wsgi [req-0d6e-4d] "
                "192.168.1.2 - - GET /v2.0/networks.json",
                "ts": "2014-10-28T10:42:22.772",
                "level": "info",
                "message": "[req-0d6e-4d] 192.168.1.2 - - GET /v2.0/networks.json",
                "fields": {"logger": "neutron.wsgi", "pid": "23623"},
            }
        ],
    },
    {
        "name": "windows_cbs",
        "description": "Windows CBS.log ('2016-09-28 04:30:30, Info   CBS   msg')",
        "regex": [
            r"(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d), (?P<level>Info|Warning|Error|Fatal|"
            r"Perf|Debug) +(?P<component>\S+) +(?P<message>.*)"
        ],
        "timestamp": ["iso"],
        "level-map": {"Perf": "debug"},
        "samples": [
            {
                "line": "2016-09-28 04:30:30, Info                  CBS    Loaded Servicing "
                "Stack v6.1.7601.23505",
                "ts": "2016-09-28T04:30:30",
                "level": "info",
                "message": "Loaded Servicing Stack v6.1.7601.23505",
            },
            {
                "line": "2016-09-28 04:30:31, Error                 CSI    00000001 failed",
                "level": "error",
            },
        ],
    },
    {
        "name": "postgres",
        "description": "PostgreSQL ('2025-08-13 01:45:01.123 UTC [20] LOG:  msg')",
        "regex": [
            r"(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [A-Z]{2,5}| ?[+-]\d\d(?::?\d\d)?)?)"
            r" \[(?P<pid>\d+)\](?:-\d+)?:? (?:(?P<session>[^ ]*@[^ ]*) )?"
            r"(?P<level>LOG|INFO|NOTICE|WARNING|ERROR|FATAL|PANIC|DEBUG[1-5]?|STATEMENT|DETAIL"
            r"|HINT|CONTEXT|QUERY|LOCATION):  (?P<message>.*)"
        ],
        "timestamp": ["iso"],
        "level-map": {
            "LOG": "info",
            "STATEMENT": "info",
            "DETAIL": "info",
            "HINT": "info",
            "CONTEXT": "info",
            "QUERY": "info",
            "LOCATION": "info",
            "FATAL": "critical",
            "PANIC": "critical",
        },
        "samples": [
            {
                "line": "2025-08-13 01:45:01.123 UTC [20] LOG:  database system is ready",
                "ts": "2025-08-13T01:45:01.123+00:00",
                "level": "info",
                "message": "database system is ready",
                "fields": {"pid": "20"},
            },
            {
                "line": '2025-08-13 01:45:01.123 PDT [12345] ERROR:  relation "x" does not exist',
                "ts": "2025-08-13T01:45:01.123-07:00",
                "level": "error",
            },
        ],
    },
    {
        "name": "dpkg",
        "description": "dpkg.log ('2016-04-14 05:26:49 status installed libc-bin:amd64 2.23')",
        "regex": [
            r"(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (?P<message>(?P<action>status|startup|"
            r"install|upgrade|remove|purge|configure|trigproc|conffile) .*)"
        ],
        "level-default": "info",
        "multiline": False,
        "samples": [
            {
                "line": "2016-04-14 05:26:49 status installed libc-bin:amd64 2.23-0ubuntu3",
                "ts": "2016-04-14T05:26:49",
                "level": "info",
                "message": "status installed libc-bin:amd64 2.23-0ubuntu3",
            }
        ],
    },
    {
        "name": "strace",
        "description": "strace -tt ('08:09:33.814936 open(\"/x\", O_RDONLY) = -1 ENOENT')",
        "regex": [
            r"(?:(?P<pid>\d+) +)?(?P<ts>\d\d:\d\d:\d\d(?:\.\d{1,6})?|\d{10}\.\d{6}) "
            r"(?P<message>(?P<syscall>\w+)\(.*?(?: = (?:-1 (?P<level>E[A-Z]+)|[^ ]+).*|$)"
            r"|--- .*|\+\+\+ .*)"
        ],
        "timestamp": ["%H:%M:%S.%f", "%H:%M:%S", "epoch"],
        "level-patterns": {"error": "^E[A-Z]+$"},
        "level-default": "info",
        "multiline": False,
        "samples": [
            {
                "line": '08:09:33.814936 open("/etc/ld.so.preload", O_RDONLY) = -1 ENOENT '
                "(No such file or directory)",
                "level": "error",
                "fields": {"syscall": "open"},
            },
            {"line": "08:09:33.814999 close(3) = 0 <0.000005>", "level": "info"},
        ],
    },
    {
        "name": "w3c",
        "description": "W3C extended / IIS ('#Fields: date time …' then "
        "'2016-05-11 12:00:00 10.0.0.1 GET /x - 80 - 10.0.0.2 UA - 200 0 0 15')",
        "regex": [
            r"(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (?P<message>(?P<s_ip>\S+) (?P<method>[A-Z]+)"
            r" (?P<uri>\S+) (?P<query>\S+) (?P<port>\d+) (?P<username>\S+) (?P<c_ip>\S+)"
            r"(?: (?P<version>HTTP/\S+))? (?P<agent>\S+)(?: (?P<referer>\S+))? (?P<level>\d{3}) "
            r"(?P<substatus>\d+) (?P<win32_status>\d+) (?P<time_taken>\d+))",
            r"(?P<message>#(?:Software|Version|Date|Fields|Start-Date|End-Date|Remark): ?.*)",
        ],
        "timezone": "UTC",
        "level-patterns": STATUS_LEVELS,
        "multiline": False,
        "samples": [
            {
                "line": "2016-05-11 12:00:00 10.0.0.1 GET /index.html - 80 - 10.0.0.2 "
                "Mozilla/5.0+(Windows) - 500 0 0 15",
                "ts": "2016-05-11T12:00:00+00:00",
                "level": "error",
                "fields": {"uri": "/index.html"},
            },
            {"line": "#Fields: date time s-ip cs-method cs-uri-stem", "level": "unknown"},
        ],
    },
    {
        "name": "s3_access",
        "description": "Amazon S3 server access log ('owner bucket [06/Feb/2019:00:00:38 +0000] "
        'ip requester id OP key "request" status …\')',
        "regex": [
            r"(?P<owner>\S+) (?P<bucket>\S+) \[(?P<ts>[^\]]+)\] (?P<c_ip>\S+) (?P<requester>\S+)"
            r" (?P<req_id>\S+) (?P<operation>\S+) (?P<key>\S+) "
            r'(?P<message>"(?P<request>[^"]*)" (?P<level>\d{3}|-) .*)'
        ],
        "timestamp": ["%d/%b/%Y:%H:%M:%S %z"],
        "level-patterns": STATUS_LEVELS,
        "multiline": False,
        "samples": [
            {
                "line": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be "
                "awsexamplebucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 "
                "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be "
                '3E57427F3EXAMPLE REST.GET.VERSIONING - "GET /awsexamplebucket1?versioning '
                'HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd'
                " SigV2 ECDHE-RSA-AES128-SHA AuthHeader awsexamplebucket1.s3.us-west-1.amazonaws"
                ".com TLSV1.1",
                "ts": "2019-02-06T00:00:38+00:00",
                "level": "info",
                "fields": {"operation": "REST.GET.VERSIONING"},
            }
        ],
    },
    {
        "name": "werkzeug",
        "description": "Werkzeug / Flask dev server ('127.0.0.1 - - [29/Aug/2023 22:02:58] "
        '"GET / HTTP/1.1" 200 -\')',
        "regex": [
            r"(?P<remote>\S+) - - \[(?P<ts>\d\d/[A-Z][a-z]{2}/\d{4} \d\d:\d\d:\d\d)\] "
            r'(?P<message>"(?P<request>[^"]*)" (?P<level>\d{3}) (?P<bytes>\S+))'
        ],
        "timestamp": ["%d/%b/%Y %H:%M:%S"],
        "level-patterns": STATUS_LEVELS,
        "multiline": False,
        "samples": [
            {
                "line": '127.0.0.1 - - [29/Aug/2023 22:02:58] "GET / HTTP/1.1" 200 -',
                "ts": "2023-08-29T22:02:58",
                "level": "info",
                "message": '"GET / HTTP/1.1" 200 -',
            },
            {
                "line": '127.0.0.1 - - [29/Aug/2023 22:02:59] "GET /x HTTP/1.1" 500 -',
                "level": "error",
            },
        ],
    },
    {
        "name": "nextcloud",
        "description": "Nextcloud JSON log (numeric level 0 debug … 4 fatal)",
        "json": {
            "ts": ["time"],
            "level": ["level"],
            "message": ["message"],
            "require": ["reqId", "app", "level"],
        },
        "level-map": {"0": "debug", "1": "info", "2": "warning", "3": "error", "4": "critical"},
        "multiline": False,
        "samples": [
            {
                "line": '{"reqId":"aB3","level":1,"time":"2026-11-20T10:00:00+00:00",'
                '"remoteAddr":"10.0.0.1","user":"bob","app":"files","method":"GET",'
                '"url":"/","message":"scan done","userAgent":"x","version":"28.0.1"}',
                "ts": "2026-11-20T10:00:00+00:00",
                "level": "info",
                "message": "scan done",
            }
        ],
    },
    {
        "name": "mongodb",
        "description": 'MongoDB 4.4+ structured JSON (\'{"t":{"$date":…},"s":"I",…}\')',
        "json": {
            "ts": ["t.$date"],
            "level": ["s"],
            "message": ["msg"],
            "require": ["t", "s", "c"],
        },
        "level-map": {
            "F": "critical",
            "E": "error",
            "W": "warning",
            "I": "info",
            "D": "debug",
            "D1": "debug",
            "D2": "debug",
            "D3": "trace",
            "D4": "trace",
            "D5": "trace",
        },
        "multiline": False,
        "samples": [
            {
                "line": '{"t":{"$date":"2020-05-20T19:18:40.604+00:00"},"s":"I","c":"NETWORK",'
                '"id":51800,"ctx":"conn281","msg":"client metadata","attr":{"remote":"x"}}',
                "ts": "2020-05-20T19:18:40.604+00:00",
                "level": "info",
                "message": "client metadata",
            }
        ],
    },
    {
        "name": "bgl",
        "description": "Blue Gene/L RAS ('- 1117838570 2005.06.03 R02-M1-N0 2005-06-03-15.42.50.675872 "
        "R02-M1-N0 RAS KERNEL INFO msg')",
        "regex": [
            r"(?P<alert>\S+) (?P<epoch>\d{10}) (?P<date>\d{4}\.\d\d\.\d\d) (?P<node>\S+) "
            r"(?P<ts>\d{4}-\d\d-\d\d-\d\d\.\d\d\.\d\d\.\d{6}) (?P<node_repeat>\S+) "
            r"(?P<type>[A-Z_]+) (?P<component>\S+) (?P<level>[A-Z]+) (?P<message>.*)"
        ],
        "timestamp": ["%Y-%m-%d-%H.%M.%S.%f"],
        "level-map": {"FAILURE": "error", "SEVERE": "error", "FATAL": "critical"},
        "level-letters": False,
        "samples": [
            {
                "line": "- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 "
                "R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected",
                "ts": "2005-06-03T15:42:50.675872",
                "level": "info",
                "message": "instruction cache parity error corrected",
            },
            {
                "line": "KERNDTLB 1118536327 2005.06.11 R30-M0-N9-C:J16-U01 2005-06-11-17.32.07."
                "581048 R30-M0-N9-C:J16-U01 RAS KERNEL FATAL data TLB error interrupt",
                "level": "critical",
            },
        ],
    },
    {
        "name": "thunderbird",
        "description": "Thunderbird supercomputer ('- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 "
        "dn228/dn228 crond[2915]: msg')",
        "regex": [
            r"(?P<alert>\S+) (?P<epoch>\d{10}) (?P<ts>\d{4}\.\d\d\.\d\d) (?P<node>\S+) "
            r"[A-Z][a-z]{2} +\d{1,2} (?P<ts_2>\d\d:\d\d:\d\d) (?P<location>\S+) (?P<message>.*)"
        ],
        # the time as written (the node's wall clock, as Loghub and lnav show it), dated by
        # the date column; the epoch column stays a field
        "timestamp": ["%Y.%m.%d %H:%M:%S"],
        "samples": [
            {
                "line": "- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 "
                "crond(pam_unix)[2915]: session closed for user root",
                "ts": "2005-11-09T12:01:01",
                "message": "crond(pam_unix)[2915]: session closed for user root",
            }
        ],
    },
    {
        "name": "proxifier",
        "description": "Proxifier ('[10.30 16:49:06] chrome.exe - host:443 open through proxy …')",
        "regex": [r"\[(?P<ts>\d\d\.\d\d \d\d:\d\d:\d\d)\] (?P<program>.+?) - (?P<message>.*)"],
        "timestamp": ["%m.%d %H:%M:%S"],
        "level-from-message": True,
        "multiline": False,
        "samples": [
            {
                "line": "[10.30 16:49:06] chrome.exe - proxy.cse.cuhk.edu.hk:5070 open through "
                "proxy proxy.cse.cuhk.edu.hk:5070 HTTPS",
                "message": "proxy.cse.cuhk.edu.hk:5070 open through proxy "
                "proxy.cse.cuhk.edu.hk:5070 HTTPS",
                "fields": {"program": "chrome.exe"},
                "level": "unknown",
            },
            {
                "line": "[10.30 16:49:07] chrome.exe *64 - a.b:80 error : Could not connect",
                "level": "error",
            },
        ],
    },
    {
        "name": "healthapp",
        "description": "HealthApp ('20171223-22:15:29:606|Step_LSC|30002312|msg')",
        "regex": [
            r"(?P<ts>\d{8}-\d\d?:\d\d?:\d\d?:\d{1,3})\|(?P<component>[^|]+)\|(?P<pid>\d+)\|"
            r"(?P<message>.*)"
        ],
        "timestamp": ["%Y%m%d-%H:%M:%S:%f"],
        "multiline": False,
        "samples": [
            {
                "line": "20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579",
                "ts": "2017-12-23T22:15:29.606",
                "message": "onStandStepChanged 3579",
                "fields": {"component": "Step_LSC"},
            }
        ],
    },
    {
        "name": "hpc",
        "description": "HPC cluster ('134681 node-246 unix.hw state_change.unavailable 1077804742 1 msg')",
        "regex": [
            r"(?P<logid>\d+) (?P<node>\S+) (?P<component>\S+) (?P<state>\S+) (?P<ts>\d{10}) "
            r"(?P<flag>\d) (?P<message>.*)"
        ],
        "timestamp": ["epoch"],
        "level-from-message": True,
        "multiline": False,
        "samples": [
            {
                "line": "134681 node-246 unix.hw state_change.unavailable 1077804742 1 Component "
                'State Change: Component "alt0" is in the unavailable state (HWID=1)',
                "ts": "2004-02-26T14:12:22+00:00",
                "fields": {"node": "node-246"},
            }
        ],
    },
    {
        "name": "aws_alb",
        "description": "AWS Application Load Balancer access log ('https 2016-08-10T23:39:43Z "
        'app/lb/… client:port target:port … 200 200 … "GET …"\')',
        "regex": [
            r"(?P<type>https?|h2|wss?|grpcs?) (?P<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) "
            r"(?P<elb>\S+) (?P<client>\S+) (?P<target>\S+) (?P<request_time>\S+) "
            r"(?P<target_time>\S+) (?P<response_time>\S+) (?P<level>\d{3}|-) "
            r"(?P<target_status>\S+) (?P<received_bytes>\d+) (?P<sent_bytes>\d+) "
            r'(?P<message>"(?P<request>[^"]*)".*)'
        ],
        "level-patterns": STATUS_LEVELS,
        "multiline": False,
        "samples": [
            {
                "line": "https 2026-08-10T23:39:43.065466Z app/lb/50dc6c 10.0.0.9:2817 10.0.0.1:80 "
                '0.086 0.048 0.037 503 503 0 57 "GET https://shop.example:443/ HTTP/1.1" '
                '"curl/8.5.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2',
                "ts": "2026-08-10T23:39:43.065466+00:00",
                "level": "error",
                "fields": {"request": "GET https://shop.example:443/ HTTP/1.1"},
            }
        ],
    },
    {
        "name": "cups",
        "description": "CUPS error_log ('E [04/Nov/2010:17:37:40 -0400] msg')",
        "regex": [r"(?P<level>[DdIWENCAX]) \[(?P<ts>[^\]]+)\] (?P<message>.*)"],
        "timestamp": ["%d/%b/%Y:%H:%M:%S %z"],
        "level-map": {
            "D": "debug",
            "d": "debug",
            "I": "info",
            "N": "notice",
            "W": "warning",
            "E": "error",
            "C": "critical",
            "A": "critical",
            "X": "critical",
        },
        "samples": [
            {
                "line": "E [04/Nov/2026:17:37:40 -0400] Unable to open listen socket",
                "ts": "2026-11-04T17:37:40-04:00",
                "level": "error",
                "message": "Unable to open listen socket",
            }
        ],
    },
    {
        "name": "env_logger",
        "description": "Rust env_logger ('[2017-11-09T02:12:24Z ERROR main] msg')",
        "regex": [
            r"\[(?P<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) +"
            r"(?P<level>TRACE|DEBUG|INFO|WARN|ERROR) +(?P<module>[^\]]*)\] (?P<message>.*)"
        ],
        "samples": [
            {
                "line": "[2026-11-09T02:12:24Z ERROR app::db] connection lost",
                "ts": "2026-11-09T02:12:24+00:00",
                "level": "error",
                "message": "connection lost",
                "fields": {"module": "app::db"},
            }
        ],
    },
    {
        "name": "katello",
        "description": "Katello / puppet installer ('[DEBUG 2015-05-20 12:22:19 main]  msg')",
        "regex": [
            r"\[ ?(?P<level>[A-Z]+) (?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (?P<thread>[^\]]+)\]"
            r" +(?P<message>.*)"
        ],
        "samples": [
            {
                "line": "[ERROR 2026-05-20 12:22:19 main]  qpid-config failed",
                "ts": "2026-05-20T12:22:19",
                "level": "error",
                "message": "qpid-config failed",
            }
        ],
    },
    {
        "name": "monolog",
        "description": "PHP Monolog / Laravel ('[2025-08-31 06:49:00] local.ERROR: msg {ctx}')",
        "regex": [
            r"\[(?P<ts>\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:?\d\d|Z)?)\] "
            r"(?P<channel>[\w.-]+)\.(?P<level>DEBUG|INFO|NOTICE|WARNING|ERROR|CRITICAL|ALERT"
            r"|EMERGENCY): (?P<message>.*)"
        ],
        "samples": [
            {
                "line": '[2026-08-31 12:34:56] payments.ERROR: card declined {"order":42}',
                "ts": "2026-08-31T12:34:56",
                "level": "error",
                "message": 'card declined {"order":42}',
                "fields": {"channel": "payments"},
            }
        ],
    },
    {
        "name": "mysql_general",
        "description": "MySQL general query log ('2025-08-15T14:04:36.592691Z\\t   10 Query\\tSQL')",
        "regex": [
            r"(?P<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d))\t *"
            r"(?P<thread>\d+) (?P<command>[\w ]+?)\t(?P<message>.*)"
        ],
        "level-default": "info",
        "samples": [
            {
                "line": "2026-08-15T14:04:36.592691Z\t   10 Query\tselect 1",
                "ts": "2026-08-15T14:04:36.592691+00:00",
                "message": "select 1",
                "fields": {"command": "Query", "thread": "10"},
            }
        ],
    },
    {
        "name": "robot_framework",
        "description": "Robot Framework syslog ('20260327 11:34:21.908 - INFO - msg')",
        "regex": [
            r"(?P<ts>\d{8} \d\d:\d\d:\d\d\.\d{3}) - (?P<level>TRACE|DEBUG|INFO|WARN|ERROR|FAIL)"
            r" - (?P<message>.*)"
        ],
        "timestamp": ["%Y%m%d %H:%M:%S.%f"],
        "samples": [
            {
                "line": "20260327 11:34:21.908 - INFO - + START SUITE: Scheduler",
                "ts": "2026-03-27T11:34:21.908",
                "level": "info",
            }
        ],
    },
    {
        "name": "spdlog",
        "description": "spdlog default ('[2014-10-31 23:46:59.678] [name] [info] msg')",
        "regex": [
            r"\[(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)\] (?:\[(?P<logger>[^\]]*)\] )?"
            r"\[(?P<level>trace|debug|info|warning|warn|error|critical|off)\] (?P<message>.*)"
        ],
        "samples": [
            {
                "line": "[2026-10-31 23:46:59.678] [net] [warning] slow peer",
                "ts": "2026-10-31T23:46:59.678",
                "level": "warning",
                "message": "slow peer",
            }
        ],
    },
    {
        "name": "sssd",
        "description": "SSSD ('(Tue Mar 31 06:03:46 2015) [sssd[be]] [func] (0x0400): msg')",
        "regex": [
            r"\((?P<ts>[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d(?:[.:]\d+)? \d{4})\) "
            r"\[(?P<service>.+?)\] \[(?P<function>[^\]]+)\] \((?P<level>0x[0-9a-fA-F]{4})\): "
            r"(?P<message>.*)"
        ],
        "timestamp": ["%a %b %d %H:%M:%S %Y", "%a %b %d %H:%M:%S:%f %Y"],
        "level-map": {
            "0x0010": "critical",
            "0x0020": "critical",
            "0x0040": "error",
            "0x0080": "warning",
            "0x0100": "info",
            "0x0200": "debug",
            "0x0400": "debug",
            "0x1000": "trace",
            "0x2000": "trace",
            "0x4000": "trace",
        },
        "samples": [
            {
                "line": "(Tue Mar 31 06:03:46 2026) [sssd[be[default]]] [sysdb_search] (0x0040): "
                "lookup failed",
                "ts": "2026-03-31T06:03:46",
                "level": "error",
                "message": "lookup failed",
            }
        ],
    },
    {
        "name": "vdsm",
        "description": "oVirt vdsm ('Thread-1::INFO::2011-12-07 12:14:15,018::mod::94::log::(fn) msg')",
        "regex": [
            r"(?P<thread>[^:]+)::(?P<level>[A-Z]+)::(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})"
            r"::(?P<module>[^:]+)::(?P<line>\d+)::(?P<logger>[^:]+)::\((?P<function>[^)]*)\) "
            r"(?P<message>.*)"
        ],
        "samples": [
            {
                "line": "Thread-1950::ERROR::2026-12-07 12:14:15,018::dispatcher::94::Storage.Disp"
                "atcher::(run) storage gone",
                "ts": "2026-12-07T12:14:15.018",
                "level": "error",
                "message": "storage gone",
            }
        ],
    },
    {
        "name": "uwsgi",
        "description": "uWSGI request log ('[pid: 1|app: 0|req: 1/1] ip () {44 vars in 1322 bytes} "
        "[Tue Jan  3 05:01:31 2012] GET / => generated … (HTTP/1.1 200) …')",
        "regex": [
            r"\[pid: (?P<pid>\d+)\|app: (?P<app>[^|]+)\|req: (?P<req>[^\]]+)\] (?P<client>\S+) "
            r"\((?P<user>[^)]*)\) \{(?P<vars>[^}]*)\} \[(?P<ts>[^\]]+)\] (?P<message>(?P<method>"
            r"[A-Z]+) .*? => generated \d+ bytes in \d+ msecs \(HTTP/[\d.]+ (?P<level>\d{3})\).*)"
        ],
        "timestamp": ["%a %b %d %H:%M:%S %Y"],
        "level-patterns": STATUS_LEVELS,
        "multiline": False,
        "samples": [
            {
                "line": "[pid: 24386|app: 0|req: 48/41] 10.0.0.5 () {44 vars in 1322 bytes} "
                "[Tue Jan  3 05:01:31 2026] GET /x => generated 192 bytes in 21 msecs "
                "(HTTP/1.1 502) 4 headers in 188 bytes (1 switches on core 0)",
                "ts": "2026-01-03T05:01:31",
                "level": "error",
            }
        ],
    },
    {
        "name": "java_wrapper",
        "description": "Java Service Wrapper ('INFO   | jvm 1    | 2015/04/28 18:40:00 | msg')",
        "regex": [
            r"(?P<level>[A-Z]+) +\| (?P<process>[^|]+?) +\| (?P<ts>\d{4}/\d\d/\d\d \d\d:\d\d:\d\d)"
            r" \| (?P<message>.*)"
        ],
        "timestamp": ["%Y/%m/%d %H:%M:%S"],
        "level-map": {"STATUS": "info"},
        "samples": [
            {
                "line": "INFO   | jvm 1    | 2026/04/28 18:40:00 | Started scheduler",
                "ts": "2026-04-28T18:40:00",
                "level": "info",
                "message": "Started scheduler",
                "fields": {"process": "jvm 1"},
            }
        ],
    },
    {
        "name": "cups_page",
        "description": "CUPS page_log ('printer user 11 [18/May/2013:13:21:15 -0700] total 0 …')",
        "regex": [
            r"(?P<printer>\S+) (?P<user>\S+) (?P<job_id>\d+) \[(?P<ts>\d\d/[A-Z][a-z]{2}/\d{4}:"
            r"\d\d:\d\d:\d\d [+-]\d{4})\] (?P<message>.*)"
        ],
        "timestamp": ["%d/%b/%Y:%H:%M:%S %z"],
        "level-default": "info",
        "multiline": False,
        "samples": [
            {
                "line": "Laser_1 kurt 401 [22/Apr/2026:10:28:43 +0100] 1 3 #marketing 10.0.0.13",
                "ts": "2026-04-22T10:28:43+01:00",
                "message": "1 3 #marketing 10.0.0.13",
            }
        ],
    },
    {
        "name": "openam",
        "description": "OpenAM access/error CSV-ish logs ('\"2014-06-14 17:08:39\" …')",
        "regex": [r'"(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)" (?P<message>.*)'],
        "level-from-message": True,
        "multiline": False,
        "samples": [
            {
                "line": '"2026-06-14 17:08:39" "cn=dsameuser" 3d956f "Login Success"',
                "ts": "2026-06-14T17:08:39",
                "message": '"cn=dsameuser" 3d956f "Login Success"',
            }
        ],
    },
    {
        "name": "openam_debug",
        "description": "OpenAM debug log ('amLog:06/09/2014 04:08:22:515 PM UTC: Thread[…]')",
        "regex": [
            r"(?P<module>\w+):(?P<ts>\d\d/\d\d/\d{4} \d\d:\d\d:\d\d:\d{3} [AP]M) UTC: "
            r"(?P<message>.*)"
        ],
        "timestamp": ["%m/%d/%Y %I:%M:%S:%f %p"],
        "timezone": "UTC",
        "samples": [
            {
                "line": "amLog:06/09/2026 04:08:22:515 PM UTC: Thread[http-80-8,5,main]",
                "ts": "2026-06-09T16:08:22.515+00:00",
                "fields": {"module": "amLog"},
            }
        ],
    },
    {
        "name": "bracketed_header",
        "description": "a bracketed header with a level inside ('[2013-01-16 02:26:25,500 "
        "pool-3-thread-1  INFO  com.x.Y] msg', VMware and others)",
        "regex": [
            r"\[(?P<ts>\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,:]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?) "
            r"(?P<context>[^\]]*?)\b(?P<level>TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|trace|"
            r"verbose|debug|info|warning|error|fatal)\b(?P<origin>[^\]]*)\] ?(?P<message>.*)"
        ],
        "timestamp": ["iso", "%Y-%m-%d %H:%M:%S:%f"],
        "level-map": {"verbose": "debug"},
        "specificity": 30,  # a broad shape: any narrower format explaining as much wins
        "samples": [
            {
                "line": "[2026-01-16 02:26:25,500 pool-3-thread-1  WARN  com.example.Service] "
                "license expiring",
                "ts": "2026-01-16T02:26:25.500",
                "level": "warning",
                "message": "license expiring",
            },
            {
                "line": "[2026-05-26 19:46:43:259 'ConfigurationMgr' 139700477753600 INFO]  "
                "[configurationMgr, 155] loaded",
                "ts": "2026-05-26T19:46:43.259",
                "level": "info",
            },
        ],
    },
    {
        "name": "structlog_console",
        "description": "structlog's default ConsoleRenderer ('2026-12-05 06:14:34 [info     ] "
        "event   key=value'; colours are removed before parsing)",
        "regex": [
            r"(?P<ts>\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?) "
            r"\[(?P<level>debug|info|warning|warn|error|critical|exception|fatal|notset|trace)"
            r" *\] (?P<message>.*?) *$",
            r"\[(?P<level>debug|info|warning|warn|error|critical|exception|fatal|notset|trace)"
            r" *\] (?P<message>.*?) *$",
        ],
        "level-map": {"exception": "error", "notset": "unknown"},
        # below generic's 20: an unpadded 'ts [info] a.b.C - msg' line explains as much in
        # both, and generic also reads its logger; structlog pads its levels ('[info     ]'),
        # which generic does not explain
        "specificity": 15,
        "samples": [
            {
                "line": "2026-12-05 06:14:34 [info     ] résumé uploaded            n=3 user=bob",
                "ts": "2026-12-05T06:14:34",
                "level": "info",
                "message": "résumé uploaded            n=3 user=bob",
            },
            {
                "line": "2026-12-05T00:37:55.637536Z [warning  ] disk almost full     ",
                "ts": "2026-12-05T00:37:55.637536+00:00",
                "level": "warning",
                "message": "disk almost full",
            },
            {"line": "[critical ] no timestamper configured", "ts": None, "level": "critical"},
        ],
    },
    {
        "name": "bracketed_ts_level",
        "description": "bracketed time, then bracketed (padded) level ('[2026-12-05 06:14:39] "
        "[WARNING] msg': java.util.logging's '[%1$tF %1$tT] [%4$-7s] %5$s%6$s%n' and others)",
        "regex": [
            r"\[(?P<ts>\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?)\] "
            r"\[ *(?P<level>(?i:trace|debug|info|notice|warn|warning|error|err|severe|critical|crit"
            r"|fatal|panic|alert|emerg|fine|finer|finest|config|verbose)) *\] (?P<message>.*)"
        ],
        "samples": [
            {
                "line": "[2026-12-05 06:14:39] [SEVERE ] user alice logged in from 10.0.0.5",
                "ts": "2026-12-05T06:14:39",
                "level": "error",
                "message": "user alice logged in from 10.0.0.5",
            },
            {"line": "[2026-12-05 06:14:39] [CONFIG ] loaded", "level": "debug"},
            {"line": "[2026-12-05 06:14:40] [FINER  ] entering", "level": "trace"},
            {"line": "[2026-12-05T06:14:40.120Z] [warn] slow", "level": "warning"},
        ],
    },
    {
        "name": "jul",
        "description": "java.util.logging SimpleFormatter default (two lines: 'Dec 04, 2026 "
        "10:00:00 PM com.x.Main run' then 'SEVERE: msg')",
        "regex": [
            r"(?P<ts>[A-Z][a-z]{2} \d\d, \d{4} \d{1,2}:\d\d:\d\d [AP]M) (?P<logger>\S+)"
            r"(?: (?P<method>\S+))?(?P<message>)$"
        ],
        "timestamp": ["%b %d, %Y %I:%M:%S %p"],
        "second-line": r"(?P<level>SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST): (?P<message>.*)",
        "samples": [
            {
                "line": "Dec 04, 2026 10:00:00 PM com.example.Main run",
                "ts": "2026-12-04T22:00:00",
                "fields": {"logger": "com.example.Main", "method": "run"},
            }
        ],
    },
]
"""Every declared built-in, in no particular order (detection never looks at order)."""
