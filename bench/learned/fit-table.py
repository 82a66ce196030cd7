#!/usr/bin/env python3
"""The Markdown table of a bench/learned/fit-table.sh run: python3 bench/learned/fit-table.py OUTDIR."""
import re,sys,glob,os
d=sys.argv[1]
def blocks(txt):
    out={}
    cur=None
    for line in txt.splitlines():
        if line in('classic:','fit:'): cur=line[:-1]; out[cur]={'rows':[]}; continue
        if cur and re.match(r'^(1|1/2|1/4)\s',line):
            p=line.split(); out[cur]['rows'].append(f"{float(p[2]):.2f} / {float(p[3]):.3f} / {float(p[4]):.2f}")
        m=re.match(r'distinct templates used: (\d+)',line)
        if cur and m: out[cur]['n']=m.group(1)
    return out
rows=[]
order={'logits':1,'decoder':2,'decoder-cold':3}
files=sorted(glob.glob(d+'/*.txt'))
seen=set()
for f in files:
    base=os.path.basename(f)[:-4]
    m=re.match(r'(.*)-(set-moto|set-emoji|glyphs)-(logits|decoder|decoder-cold)$',base)
    if not m: continue
    pic,st,meth=m.groups()
    txt=open(f).read()
    if 'fit:' not in txt: continue
    b=blocks(txt)
    first=txt.splitlines()[0]
    if meth=='logits':
        l=re.search(r'loss (\S+) -> (\S+)',first); classic_loss,fit_loss=l.group(1),l.group(2)
        key=(pic,st)
        rows.append((pic,st,0,'classic',classic_loss,b['classic']))
    else:
        l=re.search(r'loss (\S+) \(classic\) vs (\S+)',first); fit_loss=l.group(2)
    name={'logits':'fit --method logits','decoder':'fit --method decoder (warm start)','decoder-cold':'fit --method decoder, --warm-start none'}[meth]
    rows.append((pic,st,order[meth],name,fit_loss,b['fit']))
rows.sort(key=lambda r:(r[0],r[1],r[2]))
sets={'set-moto':'256 photo tiles','set-emoji':'256 emoji','glyphs':'62 glyphs'}
print('| picture | set | method | loss (hard) | full: PSNR / SSIM / ΔE00 | ½ | ¼ | templates |')
print('|---|---|---|---|---|---|---|---|')
for pic,st,_,meth,loss,b in rows:
    r=b['rows']
    print(f"| {pic} | {sets[st]} | {meth} | {float(loss):.3e} | {r[0]} | {r[1]} | {r[2]} | {b.get('n','?')} |")
