#!/usr/bin/env bash
# One Belenios election timed phase by phase, for bench/peers.bench.ts: the same
# shapes as Urna's (r1: one yes/no question; r2: 10 questions × 5 answers, at most
# one each), 3 threshold trustees of whom 2 decrypt, plus the server's mandatory key
# (Belenios' threshold mode requires it). Usage: belenios.sh DIR r1|r2 BALLOTS GROUP
# Prints "phase seconds" lines; everything happens inside DIR.
set -euo pipefail
dir=$1 kind=$2 n=$3 group=$4
export BELENIOS_USE_URANDOM=1
cd "$dir"
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }
g=(--group "$group")

uuid=$(belenios-tool setup generate-token)
belenios-tool setup generate-credentials --uuid "$uuid" "${g[@]}" --count "$n" >/dev/null
mv ./*.pubcreds public_creds.json
mv ./*.privcreds private_creds.txt
for _ in 1 2 3; do belenios-tool setup generate-trustee-key-threshold "${g[@]}" --step 1 2>/dev/null; done
cat ./*.cert > certs.jsons
belenios-tool setup generate-trustee-key-threshold "${g[@]}" --certs certs.jsons --step 2 2>/dev/null
for k in ./*.key; do belenios-tool setup generate-trustee-key-threshold "${g[@]}" --certs certs.jsons --key "$k" --step 3 --threshold 2 2>/dev/null; done > polynomials.jsons
belenios-tool setup generate-trustee-key-threshold "${g[@]}" --certs certs.jsons --step 4 --polynomials polynomials.jsons 2>/dev/null
for k in ./*.key; do b=${k%.key}; belenios-tool setup generate-trustee-key-threshold "${g[@]}" --certs certs.jsons --key "$k" --step 5 < "$b.vinput" > "$b.voutput" 2>/dev/null; done
cat ./*.voutput | belenios-tool setup generate-trustee-key-threshold "${g[@]}" --certs certs.jsons --step 6 --polynomials polynomials.jsons > threshold.json 2>/dev/null
belenios-tool setup generate-trustee-key "${g[@]}" >/dev/null 2>&1
cat ./*.pubkey > public_keys.jsons
belenios-tool setup make-trustees 2>/dev/null
rm threshold.json
if [ "$kind" = r1 ]; then
  echo '{"description":"R1","name":"R1","questions":[{"answers":["yes","no"],"min":0,"max":1,"question":"q"}]}' > questions.json
else
  q='{"answers":["a","b","c","d","e"],"min":0,"max":1,"question":"q"}'
  echo "{\"description\":\"R2\",\"name\":\"R2\",\"questions\":[$q,$q,$q,$q,$q,$q,$q,$q,$q,$q]}" > questions.json
fi
belenios-tool setup make-election --uuid "$uuid" "${g[@]}" --template questions.json >/dev/null
belenios-tool archive init >/dev/null 2>&1
rm -f election.json trustees.json public_creds.json

# Process start-up alone, to subtract from per-process figures.
t=$(now); for _ in 1 2 3 4 5; do belenios-tool sha256-b64 </dev/null >/dev/null; done; echo "process-start $(echo "($(since "$t")) / 5" | bc -l)"

mkdir -p ballots
i=0
t=$(now)
while read -r _ cred; do
  if [ "$kind" = r1 ]; then
    if [ $((i % 2)) = 0 ]; then vote='[[1,0]]'; else vote='[[0,1]]'; fi
  else
    p=$((i % 5)); row=(0 0 0 0 0); row[$p]=1; one="[${row[0]},${row[1]},${row[2]},${row[3]},${row[4]}]"
    vote="[$one,$one,$one,$one,$one,$one,$one,$one,$one,$one]"
  fi
  belenios-tool election generate-ballot --privcred <(echo "$cred") --ballot <(echo "$vote") > "ballots/$i.json"
  i=$((i + 1))
done < private_creds.txt
echo "encrypt-all $(since "$t")"

t=$(now); belenios-tool election verify >/dev/null 2>&1; echo "verify-empty $(since "$t")"
t=$(now)
for ((j = 0; j < n; j++)); do belenios-tool archive add-event --type=Ballot < "ballots/$j.json" >/dev/null 2>&1; done
echo "add-all $(since "$t")"
t=$(now); belenios-tool election verify >/dev/null 2>&1; echo "verify-ballots $(since "$t")"

t=$(now)
belenios-tool archive add-event --type=EndBallots < /dev/null >/dev/null 2>&1
belenios-tool election compute-encrypted-tally 2>/dev/null | belenios-tool archive add-event --type=EncryptedTally >/dev/null 2>&1
id=2
for k in $(ls ./*.key | head -2); do
  belenios-tool election decrypt-threshold --key "$k" --decryption-key "${k%.key}.dkey" --trustee-id $id 2>/dev/null | belenios-tool archive add-event --type=PartialDecryption >/dev/null 2>&1
  id=$((id + 1))
done
for k in ./*.privkey; do belenios-tool election decrypt --privkey "$k" --trustee-id 1 2>/dev/null | belenios-tool archive add-event --type=PartialDecryption >/dev/null 2>&1; done
belenios-tool election compute-result 2>/dev/null | belenios-tool archive add-event --type=Result >/dev/null 2>&1
echo "tally $(since "$t")"

# The CPU time (user + system) of the same verification too, for a loaded machine.
TIMEFORMAT='%U %S'
t=$(now); { time belenios-tool election verify >/dev/null 2>&1; } 2> verify-cpu.txt; echo "verify-all $(since "$t")"
read -r user sys < verify-cpu.txt; echo "verify-all-cpu $(echo "$user + $sys" | bc)"
