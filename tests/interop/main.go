// vtctld-interop serves Vitess's own vtctld gRPC services (the typed Vtctld service from
// grpcvtctldserver and the legacy Vtctl service from grpcvtctlserver) on 127.0.0.1, over
// Vitess's in-memory topology, for orc-vitess-hook's interop tests. It is a test peer only: it
// is never part of the shipped tool.
//
// The fleet (cells, keyspaces, shards, tablets) comes from a JSON file and is written through
// Vitess's topo API. Every tablet whose tablet manager is not "down" gets a small tablet-manager
// gRPC server of its own that does to the topology what vttablet does on ChangeType (tablet
// type, primary term, shard record); vtctld reaches it through Vitess's real gRPC tablet-manager
// client, so a down or slow tablet gives vtctld's real errors.
//
// TLS and static authentication use Vitess's own code: vttls.ServerConfig for the server's TLS
// configuration and the "static" auth plugin of servenv (--grpc-auth-static-password-file).
//
// The first line on stdout is "listening on 127.0.0.1:PORT"; the program serves until stdin
// closes or it is killed.
package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"vitess.io/vitess/go/protoutil"
	"vitess.io/vitess/go/vt/proto/tabletmanagerdata"
	"vitess.io/vitess/go/vt/proto/tabletmanagerservice"
	topodatapb "vitess.io/vitess/go/vt/proto/topodata"
	vtrpcpb "vitess.io/vitess/go/vt/proto/vtrpc"
	"vitess.io/vitess/go/vt/proto/vttime"
	"vitess.io/vitess/go/vt/servenv"
	"vitess.io/vitess/go/vt/topo"
	"vitess.io/vitess/go/vt/topo/memorytopo"
	"vitess.io/vitess/go/vt/topo/topoproto"
	"vitess.io/vitess/go/vt/topotools"
	"vitess.io/vitess/go/vt/vtctl/grpcvtctldserver"
	"vitess.io/vitess/go/vt/vtctl/grpcvtctlserver"
	"vitess.io/vitess/go/vt/vtenv"
	"vitess.io/vitess/go/vt/vterrors"
	"vitess.io/vitess/go/vt/vttls"

	// Vitess's real gRPC tablet-manager client, which vtctld uses to reach the tablets.
	_ "vitess.io/vitess/go/vt/vttablet/grpctmclient"
)

// fleetTablet is one tablet record of the fleet file.
type fleetTablet struct {
	Alias    string `json:"alias"`
	Keyspace string `json:"keyspace"`
	Shard    string `json:"shard"`
	Type     string `json:"type"`
	// MySQL endpoint as current Vitess records it; empty/0 for old records.
	MysqlHostname string `json:"mysql_hostname"`
	MysqlPort     int32  `json:"mysql_port"`
	// Extra port_map entries, e.g. {"mysql": 17100} for an old record.
	PortMap map[string]int32 `json:"port_map"`
	// The tablet's own host name; 127.0.0.1 (where its tablet manager listens) by default.
	Hostname string `json:"hostname"`
	// The tablet manager: "ok" (default), "down" (nothing listens), "slow" (ChangeType hangs),
	// "fail:N" (the first N ChangeType calls fail as vttablet fails when its MySQL is away).
	TabletManager string `json:"tablet_manager"`
}

type fleet struct {
	Cells   []string      `json:"cells"`
	Tablets []fleetTablet `json:"tablets"`
	// Cells whose tablet records cannot be read (a topology server that is down).
	UnreadableCells []string `json:"unreadable_cells"`
}

var (
	fleetFile string
	tlsCert   string
	tlsKey    string
	tlsCA     string
	services  string
)

func main() {
	servenv.OnParseFor("vtctld-interop", func(fs *pflag.FlagSet) {
		fs.StringVar(&fleetFile, "fleet", "", "JSON fleet description")
		fs.StringVar(&tlsCert, "tls-cert", "", "server certificate (turns TLS on)")
		fs.StringVar(&tlsKey, "tls-key", "", "server key")
		fs.StringVar(&tlsCA, "tls-ca", "", "CA that client certificates must be signed by (mutual TLS)")
		fs.StringVar(&services, "services", "both", "vtctld (typed only, current Vitess), vtctl (legacy only, old Vitess) or both")
	})
	servenv.RegisterGRPCServerAuthFlags()
	servenv.ParseFlags("vtctld-interop")

	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "vtctld-interop: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	ctx := context.Background()
	data, err := os.ReadFile(fleetFile)
	if err != nil {
		return fmt.Errorf("reading the fleet: %w", err)
	}
	var f fleet
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("parsing the fleet: %w", err)
	}
	if len(f.Cells) == 0 {
		f.Cells = []string{"zone1"}
	}
	ts, factory := memorytopo.NewServerAndFactory(ctx, f.Cells...)
	if err := populate(ctx, ts, f); err != nil {
		return err
	}
	for _, cell := range f.UnreadableCells {
		factory.AddOperationError(memorytopo.Get, "^tablets/"+regexp.QuoteMeta(cell)+"-",
			fmt.Errorf("topology server of cell %s unreachable", cell))
	}

	var options []grpc.ServerOption
	if tlsCert != "" {
		config, err := vttls.ServerConfig(tlsCert, tlsKey, tlsCA, "", "", tls.VersionTLS12)
		if err != nil {
			return fmt.Errorf("TLS: %w", err)
		}
		options = append(options, grpc.Creds(credentials.NewTLS(config)))
	}
	if servenv.GRPCAuth() != "" {
		authenticator, err := servenv.GetAuthenticator(servenv.GRPCAuth())()
		if err != nil {
			return fmt.Errorf("auth plugin %q: %w", servenv.GRPCAuth(), err)
		}
		options = append(options,
			grpc.UnaryInterceptor(func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
				ctx, err := authenticator.Authenticate(ctx, info.FullMethod)
				if err != nil {
					return nil, err
				}
				return handler(ctx, req)
			}),
			grpc.StreamInterceptor(func(srv any, stream grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
				ctx, err := authenticator.Authenticate(stream.Context(), info.FullMethod)
				if err != nil {
					return err
				}
				wrapped := servenv.WrapServerStream(stream)
				wrapped.WrappedContext = ctx
				return handler(srv, wrapped)
			}),
		)
	}
	server := grpc.NewServer(options...)
	env := vtenv.NewTestEnv()
	switch services {
	case "both":
		grpcvtctldserver.StartServer(server, env, ts)
		grpcvtctlserver.StartServer(server, env, ts)
	case "vtctld":
		grpcvtctldserver.StartServer(server, env, ts)
	case "vtctl":
		grpcvtctlserver.StartServer(server, env, ts)
	default:
		return fmt.Errorf("--services %q: expected vtctld, vtctl or both", services)
	}

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("listening on %s\n", listener.Addr())
	go func() {
		// Serve until whoever started us goes away: a test that dies closes our stdin, so no
		// peer outlives its test.
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	return server.Serve(listener)
}

// populate writes the fleet into the topology: keyspaces (durability "none"), shards, tablets,
// and each shard's primary; it starts a tablet manager for every tablet not "down".
func populate(ctx context.Context, ts *topo.Server, f fleet) error {
	keyspaces := map[string]bool{}
	shards := map[string]bool{}
	for _, t := range f.Tablets {
		if !keyspaces[t.Keyspace] {
			if err := ts.CreateKeyspace(ctx, t.Keyspace, &topodatapb.Keyspace{DurabilityPolicy: "none"}); err != nil {
				return fmt.Errorf("keyspace %s: %w", t.Keyspace, err)
			}
			keyspaces[t.Keyspace] = true
		}
		key := t.Keyspace + "/" + t.Shard
		if !shards[key] {
			if err := ts.CreateShard(ctx, t.Keyspace, t.Shard); err != nil {
				return fmt.Errorf("shard %s: %w", key, err)
			}
			shards[key] = true
		}
	}
	for _, t := range f.Tablets {
		alias, err := topoproto.ParseTabletAlias(t.Alias)
		if err != nil {
			return err
		}
		kind, err := topoproto.ParseTabletType(t.Type)
		if err != nil {
			return err
		}
		hostname := t.Hostname
		if hostname == "" {
			hostname = "127.0.0.1"
		}
		portMap := map[string]int32{}
		for name, port := range t.PortMap {
			portMap[name] = port
		}
		port, err := startTabletManager(ts, alias, t.TabletManager)
		if err != nil {
			return err
		}
		portMap["grpc"] = port
		tablet := &topodatapb.Tablet{
			Alias:         alias,
			Hostname:      hostname,
			PortMap:       portMap,
			Keyspace:      t.Keyspace,
			Shard:         t.Shard,
			Type:          kind,
			MysqlHostname: t.MysqlHostname,
			MysqlPort:     t.MysqlPort,
		}
		if kind == topodatapb.TabletType_PRIMARY {
			tablet.PrimaryTermStartTime = protoutil.TimeToProto(time.Now())
		}
		if err := ts.CreateTablet(ctx, tablet); err != nil {
			return fmt.Errorf("tablet %s: %w", t.Alias, err)
		}
		if kind == topodatapb.TabletType_PRIMARY {
			if err := makeShardPrimary(ctx, ts, tablet); err != nil {
				return err
			}
		}
	}
	return nil
}

func makeShardPrimary(ctx context.Context, ts *topo.Server, tablet *topodatapb.Tablet) error {
	_, err := ts.UpdateShardFields(ctx, tablet.Keyspace, tablet.Shard, func(si *topo.ShardInfo) error {
		si.PrimaryAlias = tablet.Alias
		si.PrimaryTermStartTime = tablet.PrimaryTermStartTime
		return nil
	})
	return err
}

// tabletManager does what vttablet does to the topology when vtctld asks it to change type.
type tabletManager struct {
	tabletmanagerservice.UnimplementedTabletManagerServer
	ts    *topo.Server
	alias *topodatapb.TabletAlias
	slow  bool
	mu    sync.Mutex
	// ChangeType calls still to fail.
	failures int
}

func (tm *tabletManager) Ping(ctx context.Context, req *tabletmanagerdata.PingRequest) (*tabletmanagerdata.PingResponse, error) {
	return &tabletmanagerdata.PingResponse{Payload: req.Payload}, nil
}

func (tm *tabletManager) ChangeType(ctx context.Context, req *tabletmanagerdata.ChangeTypeRequest) (*tabletmanagerdata.ChangeTypeResponse, error) {
	if tm.slow {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	// vttablet answers its RPCs' errors as vterrors wrapped with the call and the tablet.
	wrap := func(err error) error {
		return vterrors.ToGRPC(vterrors.Wrapf(err, "TabletManager.ChangeType on %s", topoproto.TabletAliasString(tm.alias)))
	}
	tm.mu.Lock()
	fail := tm.failures > 0
	if fail {
		tm.failures--
	}
	tm.mu.Unlock()
	if fail {
		return nil, wrap(vterrors.New(vtrpcpb.Code_UNAVAILABLE, "mysqld is not reachable"))
	}
	var term *vttime.Time
	if req.TabletType == topodatapb.TabletType_PRIMARY {
		term = protoutil.TimeToProto(time.Now())
	}
	updated, err := topotools.ChangeType(ctx, tm.ts, tm.alias, req.TabletType, term)
	if err != nil {
		return nil, wrap(err)
	}
	if req.TabletType == topodatapb.TabletType_PRIMARY {
		// vttablet's shard sync records the new primary in the shard record; it does so
		// shortly after, in the background, where this peer does it at once.
		if err := makeShardPrimary(ctx, tm.ts, updated); err != nil {
			return nil, wrap(err)
		}
	}
	return &tabletmanagerdata.ChangeTypeResponse{}, nil
}

// startTabletManager serves a tablet manager for `alias` on a port of its own and returns the
// port; for "down", a port nothing listens on.
func startTabletManager(ts *topo.Server, alias *topodatapb.TabletAlias, mode string) (int32, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := int32(listener.Addr().(*net.TCPAddr).Port)
	tm := &tabletManager{ts: ts, alias: alias, slow: mode == "slow"}
	switch {
	case mode == "", mode == "ok", mode == "slow":
	case mode == "down":
		// Closed again at once: nothing answers there. (Another process could bind the port
		// in between; the tests start nothing that listens on chosen ports.)
		return port, listener.Close()
	case strings.HasPrefix(mode, "fail:"):
		n, err := strconv.Atoi(strings.TrimPrefix(mode, "fail:"))
		if err != nil {
			return 0, fmt.Errorf("tablet %s: tablet_manager %q: expected fail:N", topoproto.TabletAliasString(alias), mode)
		}
		tm.failures = n
	default:
		return 0, fmt.Errorf("tablet %s: tablet_manager %q: expected ok, down, slow or fail:N", topoproto.TabletAliasString(alias), mode)
	}
	server := grpc.NewServer()
	tabletmanagerservice.RegisterTabletManagerServer(server, tm)
	go func() { _ = server.Serve(listener) }()
	return port, nil
}
