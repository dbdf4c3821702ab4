"""Wall-time benchmarks for wa-lint (run by hand; tests never assert on time).

    python benchmarks/bench.py                  # all cases
    python benchmarks/bench.py --sizes 1000 10000 --repeat 3

Cases:
- one small template, the pre-commit path (target: <= 0.3 s wall);
- one small Terraform HCL file (the pre-commit path for .tf: python-hcl2 and Lark load);
- ../shared/corpus (every real template we have);
- generated Terraform HCL modules of N resources split over 10 files (--tf-sizes);
- generated CloudFormation templates of N resources (target: 10,000 in <= 5 s, and time
  growing linearly: the seconds per 1,000 resources stay flat as N grows).
Each case runs the installed `wa-lint` in a fresh process, the way a user or a hook does,
and reports the median of --repeat runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "fixtures" / "single-az" / "pass.yaml"
SMALL_TF = ROOT / "fixtures" / "single-az" / "pass.tf"
CORPUS = ROOT.parent / "shared" / "corpus"


def generate(resources: int) -> str:
    """A template of about `resources` resources in tiers of 10 that reference each other."""
    lines = ['AWSTemplateFormatVersion: "2010-09-09"', "Resources:"]
    tiers = max(1, resources // 10)
    for i in range(tiers):
        zone = i % 3
        lines += [
            f"  SubnetA{i}:", "    Type: AWS::EC2::Subnet", "    Properties:",
            "      VpcId: vpc-0123456789abcdef0", f"      CidrBlock: 10.{i % 250}.0.0/24",
            f'      AvailabilityZone: !Select [{zone}, !GetAZs ""]',
            f"  SubnetB{i}:", "    Type: AWS::EC2::Subnet", "    Properties:",
            "      VpcId: vpc-0123456789abcdef0", f"      CidrBlock: 10.{i % 250}.1.0/24",
            f'      AvailabilityZone: !Select [{(zone + 1) % 3}, !GetAZs ""]',
            f"  Balancer{i}:", "    Type: AWS::ElasticLoadBalancingV2::LoadBalancer",
            "    Properties:", f"      Subnets: [!Ref SubnetA{i}, !Ref SubnetB{i}]",
            f"  Group{i}:", "    Type: AWS::AutoScaling::AutoScalingGroup", "    Properties:",
            '      MinSize: "2"', '      MaxSize: "4"',
            f"      VPCZoneIdentifier: [!Ref SubnetA{i}, !Ref SubnetB{i}]",
            f"  Queue{i}:", "    Type: AWS::SQS::Queue", "    Properties:",
            f"      RedrivePolicy: {{deadLetterTargetArn: !GetAtt Dlq{i}.Arn, maxReceiveCount: 5}}",
            f"  Dlq{i}:", "    Type: AWS::SQS::Queue",
            f"  Function{i}:", "    Type: AWS::Lambda::Function", "    Properties:",
            "      Runtime: python3.12", "      Handler: app.handler",
            f"      Role: !GetAtt Role{i}.Arn", "      Code: {ZipFile: 'def handler(e, c): pass'}",
            f"  Mapping{i}:", "    Type: AWS::Lambda::EventSourceMapping", "    Properties:",
            f"      EventSourceArn: !GetAtt Queue{i}.Arn", f"      FunctionName: !Ref Function{i}",
            f"  Role{i}:", "    Type: AWS::IAM::Role", "    Properties:",
            "      AssumeRolePolicyDocument:", "        Version: '2012-10-17'",
            "        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com},"
            " Action: 'sts:AssumeRole'}]",
            f"  Bucket{i}:", "    Type: AWS::S3::Bucket", "    Properties:",
            f"      BucketName: !Sub 'data-{i}-${{AWS::AccountId}}'",
        ]
    return "\n".join(lines) + "\n"


def generate_hcl(resources: int, files: int = 10) -> dict[str, str]:
    """A module of about `resources` resources over `files` .tf files, referencing across files."""
    tiers = max(1, resources // 6)
    texts = {f"part{n}.tf": [] for n in range(files)}
    texts["part0.tf"] += ['provider "aws" {\n  region = "eu-west-1"\n}\n',
                          'data "aws_availability_zones" "available" {\n  state = "available"\n}\n',
                          'variable "zones" {\n  default = 2\n}\n']
    for i in range(tiers):
        lines = texts[f"part{i % files}.tf"]
        lines += [
            f'resource "aws_vpc" "v{i}" {{\n  cidr_block = "10.{i % 250}.0.0/16"\n}}\n',
            f'resource "aws_subnet" "s{i}" {{\n  count             = var.zones\n'
            f'  vpc_id            = aws_vpc.v{i}.id\n'
            f'  cidr_block        = cidrsubnet(aws_vpc.v{i}.cidr_block, 8, count.index)\n'
            f'  availability_zone = data.aws_availability_zones.available.names[count.index]\n}}\n',
            f'resource "aws_lb" "lb{i}" {{\n  subnets = aws_subnet.s{i}[*].id\n}}\n',
            f'resource "aws_sqs_queue" "q{i}" {{\n  redrive_policy = jsonencode({{\n'
            f'    deadLetterTargetArn = aws_sqs_queue.dlq{i}.arn\n    maxReceiveCount     = 5\n'
            f'  }})\n}}\n',
            f'resource "aws_sqs_queue" "dlq{i}" {{\n  name = "dlq-{i}"\n}}\n',
            f'resource "aws_db_instance" "db{i}" {{\n  engine            = "postgres"\n'
            f'  storage_encrypted = true\n  multi_az          = true\n}}\n',
        ]
    return {name: "\n".join(lines) for name, lines in texts.items()}


def wall(args: list[str], cwd: Path, repeat: int) -> float:
    exe = shutil.which("wa-lint") or sys.exit("wa-lint is not installed (pip install .)")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([exe, *args], cwd=cwd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="*", default=[480, 1000, 2500, 5000, 10000])
    parser.add_argument("--tf-sizes", type=int, nargs="*", default=[480, 2400])
    options = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "wa_lint"),
                    str(ROOT / "rules")], stdout=subprocess.DEVNULL, check=False)
    rows = [("one small template (pre-commit path)",
             wall(["check", str(SMALL), "-q", "--fail-on", "none"], ROOT, options.repeat))]
    rows.append(("one small .tf file (pre-commit path, HCL)",
                 wall(["check", str(SMALL_TF), "-q", "--fail-on", "none"], ROOT, options.repeat)))
    if CORPUS.is_dir():
        rows.append((f"corpus ({CORPUS})",
                     wall(["check", str(CORPUS), "-q", "--fail-on", "none"], ROOT,
                          max(1, options.repeat // 2))))
    with tempfile.TemporaryDirectory() as folder:
        for size in options.sizes:
            path = Path(folder) / f"generated-{size}.yaml"
            path.write_text(generate(size))
            seconds = wall(["check", str(path), "-q", "--fail-on", "none"], Path(folder),
                           max(1, options.repeat // 2))
            rows.append((f"generated template, {size:,} resources "
                         f"({seconds / size * 1000:.3f} s per 1,000)", seconds))
        for size in options.tf_sizes:
            module = Path(folder) / f"module-{size}"
            module.mkdir()
            for name, text in generate_hcl(size).items():
                (module / name).write_text(text)
            seconds = wall(["check", str(module), "-q", "--fail-on", "none"], Path(folder),
                           max(1, options.repeat // 2))
            rows.append((f"generated HCL module, {size:,} resources in 10 .tf files "
                         f"({seconds / size * 1000:.3f} s per 1,000)", seconds))
    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds:6.2f} s")


if __name__ == "__main__":
    main()
